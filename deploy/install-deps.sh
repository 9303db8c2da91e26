#!/usr/bin/env bash
# Installs everything phiguard needs to build and test, from Debian 12 packages
# only. Shared by the quick-start command (deploy/quickstart.sh) and the test
# command (tests/run-all.sh) so the two can never drift apart.
#   deploy/install-deps.sh          build + runtime packages
#   deploy/install-deps.sh --test   also the tools the test suite drives
#   deploy/install-deps.sh --bench  also the peers bench/compare.sh measures
#                                   (--test includes them: its smoke mode runs in the suite)
set -euo pipefail

build_pkgs=(
    build-essential cmake ninja-build pkg-config ca-certificates
    libboost1.81-dev libssl-dev libyaml-cpp-dev libhyperscan-dev
    libspdlog-dev libfmt-dev doctest-dev libcli11-dev
    libpsl-dev publicsuffix zlib1g-dev libbrotli-dev
    openssl
)
test_pkgs=(curl clang-format procps webext-ublock-origin-chromium haproxy systemd)
bench_pkgs=(nginx-light squid-openssl privoxy tinyproxy mitmproxy util-linux)

want=("${build_pkgs[@]}")
case "${1:-}" in
    --test) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
    --bench) want+=("${bench_pkgs[@]}") ;;
    "") ;;
    *) echo "install-deps: unknown option '$1' (--test or --bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "install-deps: missing packages: ${missing[*]}" >&2
        echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # Packages such as squid, privoxy and nginx start a system service on
    # install; a policy-rc.d answering 101 ("action not allowed") stops that,
    # so nothing listens on their default ports afterwards. Ours is removed
    # again; one already in place is left alone.
    policy=/usr/sbin/policy-rc.d
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
