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
    # Every test runs in both configurations: unit, lint and e2e (the e2e
    # tests start the sanitized proxy, so a report in it fails them). The
    # benchmark smoke run exists only where the benchmarks are built (release).
    (cd "build/$config" && ctest --output-on-failure -j"$jobs" --timeout 600)
done
