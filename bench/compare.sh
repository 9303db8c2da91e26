#!/usr/bin/env bash
# Side-by-side benchmark: phiguard (full default detection) against squid,
# privoxy, tinyproxy and mitmproxy, all from Debian packages, driven by the
# project's own load generator (bench/loadgen) against one nginx origin on
# loopback. Prints one table (medians of --reps runs) and the commands used.
#
#   bash bench/compare.sh                 install, build, 3 repetitions, 10 s runs
#   bash bench/compare.sh --smoke         a few hundred requests per scenario (the suite runs this)
#   options: --reps N  --duration S  --proxies "phiguard squid privoxy tinyproxy mitmproxy direct"
#            --build-dir DIR (use an existing build)  --no-install  --keep (keep the run dir)
#
# Layout on the 2-core machines here: the proxy under test alone on CPU 1
# (taskset; phiguard with --threads 1), the load generator and nginx on CPU 0.
# Configurations: bench/peers/*.conf (@RUN@ = run directory, @CA@ = CA basename).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

reps=3 duration=10 warmup=2 smoke=0 install=1 keep=0 build_dir=""
proxies="phiguard squid privoxy tinyproxy mitmproxy direct"
while (($#)); do
    case $1 in
        --smoke) smoke=1 reps=1 ;;
        --reps) reps=$2; shift ;;
        --duration) duration=$2; shift ;;
        --proxies) proxies=$2; shift ;;
        --build-dir) build_dir=$2; shift ;;
        --no-install) install=0 ;;
        --keep) keep=1 ;;
        *) echo "compare: unknown option '$1'" >&2; exit 2 ;;
    esac
    shift
done

say() { echo "compare: $*" >&2; }

if ((install)); then bash deploy/install-deps.sh --bench; fi
if [[ -z $build_dir ]]; then
    build_dir=build/bench
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build_dir" -j"$(nproc)" --target phiguard phiguard_loadgen >&2
fi
phiguard=$(realpath "$build_dir/proxy/phiguard")
loadgen=$(realpath "$build_dir/bench/loadgen/phiguard-loadgen")

# CPUs: the proxy gets the last one to itself when there are two or more.
ncpu=$(nproc)
if ((ncpu >= 2)); then proxy_cpu=$((ncpu - 1)) load_cpu=0; else proxy_cpu=0 load_cpu=0; fi
pin_proxy=(taskset -c "$proxy_cpu")
pin_load=(taskset -c "$load_cpu")

run=$(mktemp -d /tmp/phiguard-compare.XXXXXX)
chmod 755 "$run"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if ((keep)); then say "run directory kept: $run"; else rm -rf "$run"; fi
}
trap cleanup EXIT
mkdir -p "$run"/{logs,certs,www,nginx-tmp,privoxy,privoxy-certs,mitmproxy}

# --- certificates: an origin CA + origin leaf, and one interception CA for every proxy
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=compare origin CA" -keyout "$run/certs/origin-ca.key" \
    -out "$run/certs/origin-ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$run/certs/origin.key" -out "$run/certs/origin.csr" 2>/dev/null
# DNS:127.0.0.1 as well as the IP: Privoxy's mbedTLS ignores IP SANs.
openssl x509 -req -in "$run/certs/origin.csr" -CA "$run/certs/origin-ca.pem" \
    -CAkey "$run/certs/origin-ca.key" -CAcreateserial -days 30 -out "$run/certs/origin.pem" \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\n') 2>/dev/null
"$phiguard" ca init --dir "$run/ca" >/dev/null
cp "$run/ca/phiguard-ca.pem" "$run/ca/phiguard-ca.key" "$run/certs/"
ca=phiguard-ca
cat "$run/certs/$ca.key" "$run/certs/$ca.pem" >"$run/mitmproxy/mitmproxy-ca.pem"
# Privoxy's mbedTLS build fails every handshake with an ECDSA CA: it gets an RSA-2048 one.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=compare RSA interception CA" \
    -keyout "$run/certs/rsa-ca.key" -out "$run/certs/rsa-ca.pem" 2>/dev/null
chmod 644 "$run"/certs/*

head -c 1024 /dev/zero | tr '\0' 'x' >"$run/www/1k"
render() { sed -e "s|@RUN@|$run|g" -e "s|@CA@|${3:-$ca}|g" "bench/peers/$1" >"$2"; }
render nginx.conf "$run/nginx.conf"
render squid-plain.conf "$run/squid-plain.conf"
render squid-bump.conf "$run/squid-bump.conf"
render privoxy-plain.conf "$run/privoxy-plain.conf"
render privoxy-https.conf "$run/privoxy-https.conf" rsa-ca
cp bench/peers/privoxy-inspect-all.action "$run/privoxy/inspect-all.action"
render tinyproxy.conf "$run/tinyproxy.conf"
render mitmproxy-config.yaml "$run/mitmproxy/config.yaml"
chown -R proxy:proxy "$run/logs" 2>/dev/null || true
chmod 777 "$run/logs"

wait_port() {
    local port=$1 i
    for ((i = 0; i < 300; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    say "nothing listens on 127.0.0.1:$port after 30 s"
    return 1
}

# Fixed loopback ports: anything already there (a stray peer, a system service)
# would be measured instead of what the table names.
for port in 18080 18443 13128 13129 13130 18118 18119 18888 18081; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        say "127.0.0.1:$port is already in use; stop whatever listens there first"
        exit 1
    fi
done

"${pin_load[@]}" nginx -c "$run/nginx.conf" -g 'daemon off;' 2>"$run/logs/nginx.out" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port 18080
wait_port 18443
kill -0 "$nginx_pid" 2>/dev/null || { say "nginx did not start:"; cat "$run/logs/nginx-error.log" >&2; exit 1; }

# --- the proxies: "instance" = one configuration of one product, on its own port
current_pid=""
start_instance() {
    local name=$1 log="$run/logs/$1.out"
    trust=$run/certs/$ca.pem  # the CA the load generator trusts inside tunnels
    case $name in
        phiguard)
            "${pin_proxy[@]}" "$phiguard" run --config bench/peers/phiguard.yaml \
                --listen 127.0.0.1:13130 --admin-listen "" \
                --threads 1 --ca-dir "$run/ca" --upstream-ca "$run/certs/origin-ca.pem" \
                --allow-upstream 127.0.0.0/8 --resolve www.facebook.com:80:127.0.0.1 \
                --access-log "$run/logs/phiguard-access.log" \
                --alert-log "$run/logs/phiguard-alerts.log" >"$log" 2>&1 &
            port=13130 ;;
        squid | squid-bump)
            local conf=$run/squid-plain.conf
            port=13128
            if [[ $name == squid-bump ]]; then
                conf=$run/squid-bump.conf port=13129
                if [[ ! -d $run/squid-ssl_db-$ca ]]; then
                    /usr/lib/squid/security_file_certgen -c -s "$run/squid-ssl_db-$ca" -M 16MB >/dev/null
                    chown -R proxy:proxy "$run/squid-ssl_db-$ca"
                fi
            fi
            "${pin_proxy[@]}" squid -N -f "$conf" >"$log" 2>&1 &
            ;;
        privoxy | privoxy-https)
            local conf=$run/privoxy-plain.conf
            port=18118
            [[ $name == privoxy-https ]] && conf=$run/privoxy-https.conf port=18119 \
                trust=$run/certs/rsa-ca.pem
            "${pin_proxy[@]}" privoxy --no-daemon "$conf" >"$log" 2>&1 &
            ;;
        tinyproxy)
            "${pin_proxy[@]}" tinyproxy -d -c "$run/tinyproxy.conf" >"$log" 2>&1 &
            port=18888 ;;
        mitmproxy)
            "${pin_proxy[@]}" mitmdump --set confdir="$run/mitmproxy" >"$log" 2>&1 &
            port=18081 ;;
        direct)
            # No proxy: the load generator talks to nginx itself (the origin's ceiling
            # with this load generator; nginx shares CPU 0 with it). RSS is nginx's.
            current_pid=$nginx_pid port=""
            trust=$run/certs/origin-ca.pem
            return 0 ;;
    esac
    current_pid=$!
    pids+=("$current_pid")
    if ! wait_port "$port"; then tail -20 "$log" >&2; return 1; fi
}
stop_instance() {
    [[ -n $port ]] || return 0  # direct: nginx stays up
    kill "$current_pid" 2>/dev/null || true
    wait "$current_pid" 2>/dev/null || true
    # squid -N exits after shutdown_lifetime; make sure the port is free again.
    sleep 0.5
}

# Which instance serves which scenario for each product ("" = not supported).
instance_for() {
    local product=$1 scenario=$2
    case $product:$scenario in
        phiguard:*) echo phiguard ;;
        squid:https-* ) echo squid-bump ;;
        squid:tracker) echo "" ;;
        squid:*) echo squid ;;
        privoxy:https-*) echo privoxy-https ;;
        privoxy:tracker) echo "" ;;
        privoxy:*) echo privoxy ;;
        tinyproxy:get | tinyproxy:post | tinyproxy:c1000) echo tinyproxy ;;
        tinyproxy:*) echo "" ;;
        mitmproxy:tracker) echo "" ;;
        mitmproxy:*) echo mitmproxy ;;
        direct:tracker) echo "" ;;
        direct:*) echo direct ;;
    esac
}

tracker_url='http://www.facebook.com/tr/?id=1234567890&ev=Lead&cd[condition]=HIV&ud[em]=jane.doe@example.com'
query='utm_source=newsletter&utm_medium=email&utm_campaign=fall&v=2&tid=G-ABCDEF1234&gtm=45je3&_p=1732&cid=555.666&ul=en-us&sr=1920x1080&en=page_view&dl=https%3A%2F%2Fwww.example.org%2Fblog%2Fhealthy-autumn-recipes&dt=Healthy%20autumn%20recipes&sid=1732000000&sct=3&seg=1'
# Kept with the run, so bench/instructions.sh measures the same request.
printf '%s\n' "$query" >"$run/query"
scenario_args() {
    local scenario=$1
    case $scenario in
        get) echo "-c 64 --url http://127.0.0.1:18080/1k?$query" ;;
        post) echo "-c 64 --method POST --body-size 16384 --url http://127.0.0.1:18080/post" ;;
        https-ka) echo "-c 64 --url https://127.0.0.1:18443/1k?$query --ca $trust" ;;
        https-new) echo "-c 8 --new-connection --url https://127.0.0.1:18443/1k --ca $trust" ;;
        tracker) echo "-c 64 --expect-status 403 --url $tracker_url" ;;
        c1000) echo "-c 1000 --url http://127.0.0.1:18080/1k?$query" ;;
    esac
}
scenarios="get post https-ka https-new tracker c1000"

results=$run/results.tsv
: >"$results"
failures=0
run_load() {  # product scenario rep extra-args...
    local product=$1 scenario=$2 rep=$3
    shift 3
    local -a args
    read -r -a args <<<"$(scenario_args "$scenario")"
    local -a bound=(--duration "$duration" --warmup "$warmup")
    if ((smoke)); then
        local n=300
        [[ $scenario == c1000 ]] && n=1000
        bound=(--duration 60 --warmup 0 -n "$n")
    fi
    local out
    local -a via=(--direct)
    [[ -n $port ]] && via=(--proxy "127.0.0.1:$port")
    out=$("${pin_load[@]}" "$loadgen" "${via[@]}" --rss-pid "$current_pid" \
        --label "$product/$scenario" "${bound[@]}" "${args[@]}" "$@" 2>&1) || {
        say "$product/$scenario failed:"
        echo "$out" >&2
        failures=$((failures + 1))
    }
    echo "$out" >>"$run/loadgen.log"
    local line
    line=$(grep '^result ' <<<"$out" || true)
    [[ -n $line ]] || return 0
    printf '%s\t%s\t%s\t%s\n' "$rep" "$product" "$scenario" "$line" >>"$results"
    echo "$out" | sed -n '1,2p' >&2
}

field() { grep -o "$2=[^ ]*" <<<"$1" | head -1 | cut -d= -f2; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print ""}'; }
value() {  # product scenario key → median over repetitions
    awk -F'\t' -v p="$1" -v s="$2" '$2==p && $3==s {print $4}' "$results" |
        while read -r line; do field "$line" "$3"; done | median
}

say "proxy on CPU $proxy_cpu, load generator and nginx on CPU $load_cpu; run dir $run"
# Each scenario runs on every product back to back, each on a freshly started instance, so
# the figures a ratio is taken from lie seconds apart, not minutes: this machine's speed
# drifts by up to 2x over minutes. The order of products rotates with each repetition so
# none is always measured first or last.
read -r -a products <<<"$proxies"
for ((rep = 1; rep <= reps; rep++)); do
    turn=$(((rep - 1) % ${#products[@]}))
    order=("${products[@]:turn}" "${products[@]:0:turn}")
    for scenario in $scenarios; do
        for product in "${order[@]}"; do
            inst=$(instance_for "$product" "$scenario")
            [[ -n $inst ]] || continue
            say "rep $rep: $scenario: $inst"
            if ! start_instance "$inst"; then
                failures=$((failures + 1))
                continue
            fi
            run_load "$product" "$scenario" "$rep"
            stop_instance
        done
    done
    # Latency at a fixed load: half of this repetition's squid GET rate, squid and phiguard.
    if [[ " $proxies " == *" squid "* && " $proxies " == *" phiguard "* ]]; then
        squid_rps=$(field "$(awk -F'\t' -v r="$rep" '$1==r && $2=="squid" && $3=="get" {print $4}' \
            "$results")" rps)
        [[ -n $squid_rps ]] || continue
        rate=$(awk -v r="$squid_rps" 'BEGIN {printf "%d", r / 2}')
        ((rate > 0)) || rate=1
        for product in squid phiguard; do
            say "rep $rep: rate $rate req/s: $product"
            start_instance "$product" || { failures=$((failures + 1)); continue; }
            run_load "$product" rate "$rep" -c 64 --url "http://127.0.0.1:18080/1k?$query" --rate "$rate"
            stop_instance
        done
    fi
done

rate=$(value squid rate rps)
rate=${rate%.*}

# --- the issue's goals: each from the medians, and paired within each repetition (the two
# figures of a pair were measured seconds apart), so a margin that only holds on medians shows.
per_rep() {  # product scenario key → one figure per repetition, in repetition order
    awk -F'\t' -v p="$1" -v s="$2" '$2==p && $3==s {print $1 "\t" $4}' "$results" | sort -n |
        while IFS=$'\t' read -r _ line; do field "$line" "$3"; done
}
goal() {  # label scenario key a b op target: a/b (or a alone when b is "-") op target
    local label=$1 scenario=$2 key=$3 a=$4 b=$5 op=$6 target=$7 va vb pairs
    va=$(value "$a" "$scenario" "$key")
    [[ -n $va ]] || return 0
    if [[ $b == - ]]; then
        vb=1
        pairs=$(per_rep "$a" "$scenario" "$key" | awk '{printf "%s%.1f", (NR > 1 ? " " : ""), $1}')
    else
        vb=$(value "$b" "$scenario" "$key")
        [[ -n $vb ]] || return 0
        pairs=$(paste <(per_rep "$a" "$scenario" "$key") <(per_rep "$b" "$scenario" "$key") |
            awk '$2 > 0 {printf "%s%.2f", n++ ? " " : "", $1 / $2}')
    fi
    awk -v l="$label" -v a="$va" -v b="$vb" -v op="$op" -v t="$target" -v p="$pairs" 'BEGIN {
        r = a / b
        met = (op == ">=") ? r >= t : (op == ">") ? r > t : (op == "<=") ? r <= t : r < t
        printf "| %s | %.2f | %s | %s |\n", l, r, p, met ? "met" : "**missed**"
    }'
}
goals() {
    [[ " $proxies " == *" phiguard "* ]] || return 0
    echo
    ((smoke)) && echo "(smoke run: a few hundred requests each, so these ratios mean nothing)"
    echo "| goal (phiguard) | from medians | each repetition | |"
    echo "|---|---:|---|---|"
    goal "GET ≥ 2× squid" get rps phiguard squid ">=" 2
    goal "GET ahead of privoxy" get rps phiguard privoxy ">" 1
    goal "16 KiB POST ≥ 2× squid" post rps phiguard squid ">=" 2
    goal "16 KiB POST ahead of privoxy" post rps phiguard privoxy ">" 1
    goal "HTTPS keep-alive ≥ 2× squid" https-ka rps phiguard squid ">=" 2
    goal "HTTPS keep-alive ahead of privoxy" https-ka rps phiguard privoxy ">" 1
    goal "HTTPS keep-alive ≥ 20× mitmproxy" https-ka rps phiguard mitmproxy ">=" 20
    goal "new intercepted connections ≥ 3× squid" https-new hps phiguard squid ">=" 3
    goal "p99 at half squid's GET rate, ÷ squid's, ≤ 1" rate p99_ms phiguard squid "<=" 1
    goal "RSS with 1,000 connections, ÷ privoxy's, ≤ 1" c1000 rss_mib phiguard privoxy "<=" 1
    goal "1,000 connections: p99 ms < 100" c1000 p99_ms phiguard - "<" 100
}

# --- the table
cell() {  # product scenario key [format]
    local v
    v=$(value "$1" "$2" "$3")
    [[ -n $v ]] || { echo "n/a"; return; }
    awk -v v="$v" -v f="${4:-%.0f}" 'BEGIN {printf f, v}'
}
row() {  # label scenario key [format]
    local line="| $1 |" p
    for p in $proxies; do line+=" $(cell "$p" "$2" "$3" "${4:-}") |"; done
    echo "$line"
}
header="| figure |" sep="|---|"
for p in $proxies; do header+=" $p |"; sep+="---:|"; done
mode="$reps repetition(s) of ${duration} s after ${warmup} s warm-up, medians"
((smoke)) && mode="SMOKE: a few hundred requests per scenario, figures meaningless"
{
    echo
    echo "phiguard compare — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); $mode"
    echo "proxy pinned to CPU $proxy_cpu; load generator and nginx to CPU $load_cpu"
    echo
    echo "$header"
    echo "$sep"
    row "plain GET keep-alive, req/s" get rps
    row "plain POST 16 KiB, req/s" post rps
    row "intercepted HTTPS keep-alive, req/s" https-ka rps
    row "new intercepted connections/s" https-new hps
    row "tracker requests with PHI blocked, req/s" tracker rps
    row "1,000 connections, req/s" c1000 rps
    row "1,000 connections, p99 ms" c1000 p99_ms "%.1f"
    row "RSS with 1,000 connections, MiB" c1000 rss_mib "%.1f"
    if [[ -n ${rate:-} ]]; then
        row "p99 ms at $rate req/s (half squid's GET rate)" rate p99_ms "%.2f"
    fi
    goals
    echo
    if ((smoke)); then
        echo "reproduce: bash bench/compare.sh --smoke --proxies \"$proxies\""
    else
        echo "reproduce: bash bench/compare.sh --reps $reps --duration $duration --proxies \"$proxies\""
    fi
    echo "each load: $loadgen --proxy 127.0.0.1:PORT … (every command is in the run's loadgen.log)"
} | tee "$run/table.md"
[[ -n ${COMPARE_TABLE_OUT:-} ]] && cp "$run/table.md" "$COMPARE_TABLE_OUT"

if ((failures)); then
    say "$failures load run(s) or proxy start(s) failed"
    exit 1
fi
