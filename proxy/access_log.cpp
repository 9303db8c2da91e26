#include "proxy/access_log.hpp"

#include "proxy/json_line.hpp"

namespace phiguard::proxy {

std::string format_access_record(const access_record& r) {
    auto elapsed =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r.start);
    auto path = std::string_view(r.path).substr(0, r.path.find('?'));
    return json_line{}
        .add("time", utc_timestamp())
        .add("client", r.client)
        .add("method", r.method)
        .add("host", r.host)
        .add("port", unsigned{r.port})
        .add("path", path)
        .add("status", r.status)
        .add("bytes_in", r.bytes_in)
        .add("bytes_out", r.bytes_out)
        .add("duration_ms", elapsed.count())
        .str();
}

void access_log::write(const access_record& record) const {
    if (file_) file_->write(format_access_record(record));
}

}  // namespace phiguard::proxy
