#!/usr/bin/env bash
# Quick start on Debian 12 as root: installs the packages, builds phiguard,
# creates a local CA on first run and runs the proxy on 127.0.0.1:3128 with the
# embedded default policy. Extra arguments go to `phiguard run`;
# PHIGUARD_CA_DIR moves the CA (default /var/lib/phiguard/ca).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
cmake -S . -B build/quickstart -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPHIGUARD_BUILD_TESTS=OFF -DPHIGUARD_BUILD_BENCH=OFF >/dev/null
cmake --build build/quickstart -j"$(nproc)"
bin=build/quickstart/proxy/phiguard
ca_dir=${PHIGUARD_CA_DIR:-/var/lib/phiguard/ca}
if [[ ! -e "$ca_dir/phiguard-ca.pem" ]]; then
    "$bin" ca init --dir "$ca_dir"
fi
exec "$bin" run --listen 127.0.0.1:3128 --ca-dir "$ca_dir" "$@"
