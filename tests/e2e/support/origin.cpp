#include "e2e/support/origin.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "e2e/support/byte_pattern.hpp"
#include "e2e/support/http_reply.hpp"

namespace phiguard::e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::use_awaitable;
constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

std::string request_record::header(std::string_view name) const {
    for (auto const& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return {};
}

bool request_record::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](auto const& kv) { return iequals(kv.first, name); });
}

struct origin::state {
    net::io_context ioc{2};
    std::optional<net::ssl::context> tls;
    tcp::acceptor acceptor{ioc};
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> responses_done{0};
    mutable std::mutex mutex;
    std::vector<request_record> records;

    std::size_t add(request_record r) {
        std::lock_guard lock(mutex);
        records.push_back(std::move(r));
        return records.size() - 1;
    }
    void finish_body(std::size_t index, std::uint64_t size) {
        std::lock_guard lock(mutex);
        records[index].body_size = size;
        records[index].body_complete = true;
    }
};

namespace {

using query_map = std::map<std::string, std::string, std::less<>>;

query_map parse_query(std::string_view query) {
    query_map q;
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        auto const eq = pair.find('=');
        q.emplace(std::string(pair.substr(0, eq)),
                  eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return q;
}

std::uint64_t number(const query_map& q, std::string_view key, std::uint64_t fallback) {
    auto const it = q.find(key);
    if (it == q.end()) return fallback;
    std::uint64_t v = fallback;
    std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    return v;
}

// Incremental SHA-256 of a request body, so /echo can digest uploads of any size.
class digest {
public:
    digest() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
    ~digest() { EVP_MD_CTX_free(ctx_); }
    digest(const digest&) = delete;
    digest& operator=(const digest&) = delete;
    void update(const char* data, std::size_t n) { EVP_DigestUpdate(ctx_, data, n); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, md.data(), &len);
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            std::array<char, 3> two{};
            std::snprintf(two.data(), two.size(), "%02x", md[i]);
            out += two.data();
        }
        return out;
    }

private:
    EVP_MD_CTX* ctx_;
};

using text_response = http::response<http::string_body>;
using field_list = std::vector<std::pair<std::string, std::string>>;

// Responses are built outside the coroutines: GCC 12 mishandles std::string temporaries and
// by-value string parameters in co_await expressions (double free), so coroutines only ever
// take references to locals.
text_response make_text(http::status status, bool keep_alive, std::string body,
                        const field_list& extra = {}) {
    text_response res{status, 11};
    res.set(http::field::server, "phiguard-e2e-origin");
    if (!body.empty()) res.set(http::field::content_type, "text/plain");
    for (auto const& [k, v] : extra) res.insert(k, v);
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

template <class Stream>
net::awaitable<bool> write_text(Stream& stream, text_response& res, bool head) {
    http::response_serializer<http::string_body> sr{res};
    auto [ec, n] = head ? co_await http::async_write_header(stream, sr, tuple_awaitable)
                        : co_await http::async_write(stream, sr, tuple_awaitable);
    co_return !ec;
}

template <class Stream>
net::awaitable<bool> write_bytes(Stream& stream, std::uint64_t n, bool chunked, bool keep_alive,
                                 bool head) {
    http::response<http::buffer_body> res{http::status::ok, 11};
    res.set(http::field::server, "phiguard-e2e-origin");
    res.set(http::field::content_type, "application/octet-stream");
    res.keep_alive(keep_alive);
    if (chunked) {
        res.chunked(true);
    } else {
        res.content_length(n);
    }
    http::response_serializer<http::buffer_body> sr{res};
    if (auto [ec, w] = co_await http::async_write_header(stream, sr, tuple_awaitable); ec) {
        co_return false;
    }
    if (head) co_return true;
    std::vector<char> chunk(64 * 1024);
    for (std::uint64_t sent = 0; sent < n;) {
        auto const len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), n - sent));
        fill_pattern(chunk.data(), sent, len);
        res.body().data = chunk.data();
        res.body().size = len;
        res.body().more = true;
        auto [ec, w] = co_await http::async_write(stream, sr, tuple_awaitable);
        if (ec && ec != http::error::need_buffer) co_return false;
        sent += len;
    }
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    auto [ec, w] = co_await http::async_write(stream, sr, tuple_awaitable);
    co_return !ec;
}

std::string echo_text(const request_record& rec, std::uint64_t body_size, const std::string& sha) {
    std::string text;
    for (auto const& [k, v] : rec.headers) text += k + ": " + v + "\n";
    text += "body-length: " + std::to_string(body_size) + "\n";
    text += "body-sha256: " + sha + "\n";
    return text;
}

text_response status_text(unsigned code, bool keep_alive) {
    bool const bodiless = code / 100 == 1 || code == 204 || code == 304;
    return make_text(http::int_to_status(code), keep_alive,
                     bodiless ? "" : "status " + std::to_string(code) + "\n");
}

field_list hop_fields() {
    return {{"Connection", "X-Origin-Hop"},
            {"X-Origin-Hop", "drop me"},
            {"Keep-Alive", "timeout=5"},
            {"Proxy-Connection", "keep-alive"},
            {"X-Origin-Kept", "kept"}};
}

// /ws: a WebSocket echo. It speaks first (so bytes the origin sends right after its 101 are
// relayed too), then returns every message it gets, at most 1,000.
template <class Stream, class Request>
net::awaitable<void> serve_websocket(Stream& stream, const Request& req) {
    beast::websocket::stream<Stream&> ws{stream};
    if (auto [ec] = co_await ws.async_accept(req, tuple_awaitable); ec) co_return;
    ws.text(true);
    if (auto [ec, n] =
            co_await ws.async_write(net::buffer(origin::websocket_greeting), tuple_awaitable);
        ec) {
        co_return;
    }
    beast::flat_buffer buffer;
    for (int i = 0; i < 1000; ++i) {
        if (auto [ec, n] = co_await ws.async_read(buffer, tuple_awaitable); ec) co_return;
        ws.text(ws.got_text());
        if (auto [ec, n] = co_await ws.async_write(buffer.data(), tuple_awaitable); ec) co_return;
        buffer.consume(buffer.size());
    }
}

template <class Stream>
net::awaitable<void> serve(Stream& stream, origin::state& st, std::uint64_t conn_id) {
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::empty_body> head_parser;
        head_parser.header_limit(1024 * 1024);
        // Beast checks Content-Length against body_limit while parsing the head (1 MiB default).
        head_parser.body_limit(boost::none);
        if (auto [ec, n] =
                co_await http::async_read_header(stream, buffer, head_parser, tuple_awaitable);
            ec) {
            co_return;
        }
        request_record rec;
        rec.connection = conn_id;
        auto const& h = head_parser.get();
        rec.method = std::string(h.method_string());
        rec.target = std::string(h.target());
        for (auto const& f : h) rec.headers.emplace_back(f.name_string(), f.value());
        auto const index = st.add(rec);
        bool const expect_continue = iequals(h[http::field::expect], "100-continue");
        bool const head = h.method() == http::verb::head;

        if (expect_continue) {
            http::response<http::empty_body> cont{http::status::continue_, 11};
            if (auto [ec, n] = co_await http::async_write(stream, cont, tuple_awaitable); ec) {
                co_return;
            }
        }
        http::request_parser<http::buffer_body> body_parser{std::move(head_parser)};
        body_parser.body_limit(boost::none);
        digest body_digest;
        std::uint64_t body_size = 0;
        std::vector<char> chunk(64 * 1024);
        for (int guard = 0; !body_parser.is_done() && guard < 100'000'000; ++guard) {
            body_parser.get().body().data = chunk.data();
            body_parser.get().body().size = chunk.size();
            auto [ec, n] = co_await http::async_read(stream, buffer, body_parser, tuple_awaitable);
            if (ec && ec != http::error::need_buffer) co_return;
            auto const got = chunk.size() - body_parser.get().body().size;
            body_digest.update(chunk.data(), got);
            body_size += got;
        }
        st.finish_body(index, body_size);
        bool const keep_alive = body_parser.keep_alive();

        std::string_view target = rec.target;
        auto const qpos = target.find('?');
        auto const path = target.substr(0, qpos);
        auto const query =
            parse_query(qpos == std::string_view::npos ? "" : target.substr(qpos + 1));
        bool ok = true;
        std::optional<text_response> text;
        if (path == "/ws" && beast::websocket::is_upgrade(body_parser.get())) {
            st.responses_done.fetch_add(1);
            co_await serve_websocket(stream, body_parser.get());
            co_return;
        }
        if (path == "/hello") {
            text = make_text(http::status::ok, keep_alive, std::string(origin::hello_body));
        } else if (path == "/echo") {
            text = make_text(http::status::ok, keep_alive,
                             echo_text(rec, body_size, body_digest.hex()));
        } else if (path == "/bytes") {
            std::uint64_t const n = number(query, "n", 0);
            bool const chunked = number(query, "chunked", 0) != 0;
            ok = co_await write_bytes(stream, n, chunked, keep_alive, head);
        } else if (path == "/slow") {
            net::steady_timer timer{co_await net::this_coro::executor};
            timer.expires_after(std::chrono::milliseconds(number(query, "ms", 1000)));
            co_await timer.async_wait(tuple_awaitable);
            text = make_text(http::status::ok, keep_alive, "slow done\n");
        } else if (path == "/status") {
            text = status_text(static_cast<unsigned>(number(query, "code", 200)), keep_alive);
        } else if (path == "/hop") {
            text = make_text(http::status::ok, keep_alive, "hop\n", hop_fields());
        } else {
            text = make_text(http::status::not_found, keep_alive, "no such endpoint\n");
        }
        if (text) ok = co_await write_text(stream, *text, head);
        if (!ok) co_return;
        st.responses_done.fetch_add(1);
        if (!keep_alive) co_return;
    }
}

net::awaitable<void> session(tcp::socket socket, origin::state& st, std::uint64_t conn_id) {
    beast::tcp_stream tcp_stream{std::move(socket)};
    if (!st.tls) {
        co_await serve(tcp_stream, st, conn_id);
        beast::error_code ignored;
        tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls_stream{std::move(tcp_stream), *st.tls};
    beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(30));
    if (auto [ec] =
            co_await tls_stream.async_handshake(net::ssl::stream_base::server, tuple_awaitable);
        ec) {
        co_return;
    }
    beast::get_lowest_layer(tls_stream).expires_never();
    co_await serve(tls_stream, st, conn_id);
    beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(5));
    co_await tls_stream.async_shutdown(tuple_awaitable);
}

net::awaitable<void> accept_loop(origin::state& st) {
    for (;;) {
        auto strand = net::make_strand(st.ioc);
        auto [ec, socket] = co_await st.acceptor.async_accept(strand, tuple_awaitable);
        if (ec) {
            if (ec == net::error::operation_aborted || !st.acceptor.is_open()) co_return;
            continue;
        }
        auto const id = st.connections.fetch_add(1) + 1;
        net::co_spawn(strand, session(std::move(socket), st, id), net::detached);
    }
}

}  // namespace

origin::origin(transport t)
    : origin(t == transport::https ? std::optional<leaf_options>(leaf_options{}) : std::nullopt) {}

origin::origin(const leaf_options& leaf) : origin(std::optional<leaf_options>(leaf)) {}

origin::origin(const std::optional<leaf_options>& leaf) : state_(std::make_shared<state>()) {
    if (leaf) {
        ca_ = std::make_unique<test_ca>(*leaf);
        state_->tls.emplace(net::ssl::context::tls_server);
        state_->tls->use_certificate_chain_file(ca_->leaf_cert_file());
        state_->tls->use_private_key_file(ca_->leaf_key_file(), net::ssl::context::pem);
    }
    tcp::endpoint const ep{net::ip::make_address("127.0.0.1"), 0};
    state_->acceptor.open(ep.protocol());
    state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    state_->acceptor.bind(ep);
    state_->acceptor.listen();
    port_ = state_->acceptor.local_endpoint().port();
    net::co_spawn(state_->ioc, accept_loop(*state_), net::detached);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([st = state_] { st->ioc.run(); });
}

origin::~origin() {
    state_->ioc.stop();
    for (auto& th : threads_) th.join();
}

std::string origin::ca_file() const {
    return ca_ ? ca_->ca_file() : std::string{};
}

std::size_t origin::connections() const {
    return state_->connections.load();
}

std::size_t origin::responses_done() const {
    return state_->responses_done.load();
}

std::size_t origin::requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->records.size();
}

std::vector<request_record> origin::records() const {
    std::lock_guard lock(state_->mutex);
    return state_->records;
}

}  // namespace phiguard::e2e
