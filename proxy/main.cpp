#include <cstdio>
#include <exception>

#include "proxy/cli.hpp"

int main(int argc, char** argv) {
    try {
        return phiguard::proxy::cli_main(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "phiguard: %s\n", e.what());
        return 1;
    }
}
