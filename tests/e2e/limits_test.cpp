// The connection limit: past limits.max_connections a new client is turned away at once, the
// clients already in keep being served, and the slot frees up when one leaves.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include <memory>

#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

// True when a request on `c` gets a 200 back.
bool served(raw_connection& c, const origin& o) {
    if (!c.send(request_start(o, "GET", "/hello") + "\r\n")) return false;
    auto const reply = c.read_response(5s);
    return reply && reply->status == 200;
}

}  // namespace

TEST_CASE("limits: connections past max_connections are closed, the others keep working") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "limits:\n  max_connections: 2\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    auto first = std::make_unique<raw_connection>(proxy.port());
    raw_connection second(proxy.port());
    REQUIRE(served(*first, o));
    REQUIRE(served(second, o));

    raw_connection third(proxy.port());
    third.send(request_start(o, "GET", "/hello") + "\r\n");
    CHECK(third.wait_closed(5s));
    CHECK(third.received().find("200 OK") == std::string::npos);
    CHECK(served(second, o));

    first.reset();  // frees a slot; the proxy notices the close asynchronously
    bool const later_served = wait_until(
        [&] {
            raw_connection next(proxy.port());
            return served(next, o);
        },
        5s, 50ms);
    CHECK(later_served);
    CHECK(proxy.running());
}
