#include "proxy/tls/ssl_notes.hpp"

namespace phiguard::proxy::tls {
namespace {

void free_notes(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    delete static_cast<ssl_notes*>(ptr);
}

int notes_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_notes);
    return index;
}

}  // namespace

ssl_notes* notes_of(SSL* ssl, bool create) {
    const int index = notes_index();
    if (ssl == nullptr || index < 0) return nullptr;
    auto* notes = static_cast<ssl_notes*>(SSL_get_ex_data(ssl, index));
    if (notes != nullptr || !create) return notes;
    notes = new (std::nothrow) ssl_notes;
    if (notes != nullptr && SSL_set_ex_data(ssl, index, notes) != 1) {
        delete notes;
        return nullptr;
    }
    return notes;
}

}  // namespace phiguard::proxy::tls
