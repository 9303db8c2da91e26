#!/usr/bin/env bash
# The whole test suite, from a fresh clone on Debian 12 as root: installs the
# packages, then builds and runs CTest twice — the default build (warnings are
# errors) and the AddressSanitizer + UndefinedBehaviorSanitizer build.
#   bash tests/run-all.sh            both configurations
#   PHIGUARD_CONFIGS=release bash tests/run-all.sh   one of them
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh --test

jobs=$(nproc)
configs=${PHIGUARD_CONFIGS:-"release asan"}
for config in $configs; do
    case $config in
        release) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
        asan) flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHIGUARD_SANITIZE=ON -DPHIGUARD_BUILD_BENCH=OFF) ;;
        *) echo "run-all: unknown configuration '$config'" >&2; exit 2 ;;
    esac
    echo "=== $config: configure and build" >&2
    cmake -S . -B "build/$config" -G Ninja "${flags[@]}" >/dev/null
    cmake --build "build/$config" -j"$jobs"
    echo "=== $config: test" >&2
    # Under ASan+UBSan the unit and lint tests run; the e2e tests are built
    # (so they compile sanitized) but not yet run there: that run has not
    # been verified end to end (see the issue tracker).
    labels=()
    [[ $config == asan ]] && labels=(-L 'unit|lint')
    (cd "build/$config" && ctest --output-on-failure -j"$jobs" --timeout 600 "${labels[@]}")
done
