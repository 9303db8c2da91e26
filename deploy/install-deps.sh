#!/usr/bin/env bash
# Installs everything phiguard needs to build and test, from Debian 12 packages
# only. Shared by the quick-start command (deploy/quickstart.sh) and the test
# command (tests/run-all.sh) so the two can never drift apart.
#   deploy/install-deps.sh          build + runtime packages
#   deploy/install-deps.sh --test   also the tools the test suite drives
set -euo pipefail

build_pkgs=(
    build-essential cmake ninja-build pkg-config ca-certificates
    libboost1.81-dev libssl-dev libyaml-cpp-dev libhyperscan-dev
    libspdlog-dev libfmt-dev doctest-dev libcli11-dev
    libpsl-dev publicsuffix zlib1g-dev libbrotli-dev
    openssl
)
test_pkgs=(curl clang-format procps webext-ublock-origin-chromium haproxy systemd)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

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
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
