#pragma once

namespace phiguard::proxy {

/// The phiguard command line: run, ca init|show, check-config. Returns the
/// exit code (0 ok, 1 failure, 2 usage error).
int cli_main(int argc, char** argv);

}  // namespace phiguard::proxy
