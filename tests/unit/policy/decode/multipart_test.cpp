#include "policy/decode/multipart.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::decode;

TEST_CASE("multipart: boundary and parts with names, files and types") {
    const auto b = multipart_boundary("multipart/form-data; boundary=\"----abc\"");
    REQUIRE(b);
    CHECK(*b == "----abc");
    CHECK_FALSE(multipart_boundary("application/json"));
    const std::string body =
        "------abc\r\nContent-Disposition: form-data; name=\"dob\"\r\n\r\n1961-07-14\r\n"
        "------abc\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.json\"\r\n"
        "Content-Type: application/json\r\n\r\n{\"x\":1}\r\n------abc--\r\n";
    const auto parts = split_multipart(body, *b);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "dob");
    CHECK(parts[0].body == "1961-07-14");
    CHECK(parts[1].filename == "a.json");
    CHECK(parts[1].content_type == "application/json");
    CHECK(parts[1].body == "{\"x\":1}");
}
