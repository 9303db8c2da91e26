#!/usr/bin/env bash
# Instructions per proxied request, counted by callgrind. Requests per second on
# this machine drift by up to 2x over minutes, so a change worth 5 % cannot be
# seen in compare.sh's table; the instruction count of the proxy's user-space
# code does not drift, and tells two builds apart.
#
#   bash bench/instructions.sh [--requests N] [--scenario get|https-ka] BINARY [BINARY...]
#
# Uses compare.sh's origin, certificates and policy (it runs compare.sh --smoke
# --proxies direct --keep for them). Each binary runs under callgrind with one io
# thread; 8 keep-alive connections send 300 warm-up requests, then N and 2N
# requests with the counters zeroed before each. Both runs open 8 connections
# (8 TLS handshakes in https-ka), so (count(2N) - count(N)) / N is the cost of
# one request alone. Kernel time is not counted: callgrind sees user space only.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=2000 scenario=https-ka binaries=()
while (($#)); do
    case $1 in
        --requests) requests=$2; shift ;;
        --scenario) scenario=$2; shift ;;
        -*) echo "instructions: unknown option '$1'" >&2; exit 2 ;;
        *) binaries+=("$(realpath "$1")") ;;
    esac
    shift
done
say() { echo "instructions: $*" >&2; }
((${#binaries[@]})) || { say "name at least one phiguard binary"; exit 2; }
case $scenario in get | https-ka) ;; *) say "scenario is get or https-ka"; exit 2 ;; esac
command -v valgrind >/dev/null || apt-get install -y --no-install-recommends valgrind >&2

run=$(bash bench/compare.sh --smoke --proxies direct --keep 2>&1 |
    sed -n 's/^compare: run directory kept: //p')
[[ -d $run ]] || { say "compare.sh did not leave a run directory"; exit 1; }
loadgen=$(realpath build/bench/bench/loadgen/phiguard-loadgen)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$run"' EXIT

nginx -c "$run/nginx.conf" -g 'daemon off;' 2>"$run/logs/nginx.out" &
pids+=($!)
q=$(cat "$run/query")  # the GA4-style query compare.sh's scenarios send
case $scenario in
    get) target=(--url "http://127.0.0.1:18080/1k?$q") ;;
    https-ka) target=(--url "https://127.0.0.1:18443/1k?$q" --ca "$run/certs/phiguard-ca.pem") ;;
esac
load() { "$loadgen" --proxy 127.0.0.1:13130 -c 8 "${target[@]}" -n "$1" --duration 600 --warmup 0; }
# Instructions callgrind counted since the last zeroing, dumped now.
dump_count() {
    local before after
    before=$(ls "$run"/cg.out.* 2>/dev/null | wc -l)
    callgrind_control -d "$1" >/dev/null 2>&1
    for _ in $(seq 100); do
        after=$(ls "$run"/cg.out.* 2>/dev/null | wc -l)
        ((after > before)) && break
        sleep 0.1
    done
    callgrind_annotate "$(ls -t "$run"/cg.out.*.* | head -1)" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }'
}

printf '%-40s %12s %14s %14s\n' binary requests "Ir/request" "Ir(N) total"
for bin in "${binaries[@]}"; do
    rm -f "$run"/cg.out.*
    valgrind --tool=callgrind --callgrind-out-file="$run/cg.out.%p" "$bin" run \
        --config bench/peers/phiguard.yaml --listen 127.0.0.1:13130 --admin-listen "" \
        --threads 1 --ca-dir "$run/ca" --upstream-ca "$run/certs/origin-ca.pem" \
        --allow-upstream 127.0.0.0/8 --access-log "$run/logs/access.log" \
        --alert-log "$run/logs/alerts.log" >"$run/logs/phiguard.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
        curl -s -o /dev/null -x 127.0.0.1:13130 http://127.0.0.1:18080/1k && break
        sleep 0.2
    done
    load 300 >/dev/null
    callgrind_control -z "$pid" >/dev/null 2>&1
    load "$requests" >"$run/logs/load1.out"
    one=$(dump_count "$pid")
    callgrind_control -z "$pid" >/dev/null 2>&1
    load $((2 * requests)) >"$run/logs/load2.out"
    two=$(dump_count "$pid")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    # Both runs must be clean (grep over two files succeeds if either matches).
    if ! grep -q ' 0 errors' "$run/logs/load1.out" || ! grep -q ' 0 errors' "$run/logs/load2.out" ||
        [[ -z $one || -z $two ]]; then
        say "$bin: a load run failed:"
        cat "$run"/logs/load*.out "$run/logs/phiguard.out" >&2
        exit 1
    fi
    printf '%-40s %12s %14s %14s\n' "$bin" "$requests" $(((two - one) / requests)) "$one"
done
echo "reproduce: bash bench/instructions.sh --scenario $scenario --requests $requests ${binaries[*]}"
