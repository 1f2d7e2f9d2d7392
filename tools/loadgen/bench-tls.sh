#!/usr/bin/env bash
# What mutual TLS costs a service (chapter 16): lesson 11's Greeter (`l11-micro server`, the
# framework's Service) in plaintext and with `--tls-certs`, beside grpc-go's Greeter
# (tools/loadgen/go/grpc-server) in plaintext and with `-tls-certs`, with the same
# certificates, made by lesson 16's `l16-trust ca` and `issue`.
#
# Two costs, measured apart:
# - a call on a connection already open: `loadgen grpc --client h2` (with `--tls-certs` for
#   the TLS rows), 32 connections with one call in flight on each, a warm-up, then the
#   measured window: calls a second, the p99, and the server's CPU time per call (user +
#   system from /proc/PID/stat, over the whole run, warm-up included, divided by every reply);
# - a handshake: `openssl s_time -new`, a client no one here wrote, opening one connection
#   after another for --handshake-time seconds, each a full handshake showing the gateway's
#   certificate: handshakes a second, and the server's CPU time per handshake.
# h2load, the client appendix B measures the gRPC servers with, speaks TLS but cannot show a
# client certificate (nghttp2's h2load has no option for one), and every server here requires
# one: so the calls are loadgen's, the same client for all four rows.
#
# The four servers take turns, in a different order each run, --runs times; each run prints
# its rows and the ratios taken within it (TLS against plaintext for the same server; the
# framework against grpc-go, both over TLS), and the end prints the medians with the lowest
# and highest run. Release build; the server on the last CPU, the clients on the others
# (taskset); the session's autogroup at nice -20 while it runs, where allowed (as bench.sh).
#
#   tools/loadgen/bench-tls.sh                       # 5 runs, 2 s warm-up + 10 s, 5 s of handshakes
#   tools/loadgen/bench-tls.sh --runs 3 --duration 5s --handshake-time 3 --no-build
set -euo pipefail

runs=5
warmup=2s
duration=10s
connections=32
handshake_time=5
build=yes
usage="usage: $0 [--runs 5] [--warmup 2s] [--duration 10s] [--connections 32] [--handshake-time 5] [--no-build]"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --handshake-time) handshake_time=$2; shift 2 ;;
        --no-build) build=no; shift ;;
        *) echo "$usage" >&2; exit 64 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "--runs takes 1 to 99" >&2; exit 64; }
[[ "$handshake_time" =~ ^[1-9][0-9]?$ ]] || { echo "--handshake-time takes 1 to 99 seconds" >&2; exit 64; }
command -v openssl >/dev/null || { echo "openssl is missing: apt-get install -y openssl" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is missing: apt-get install -y jq" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
target=${CARGO_TARGET_DIR:-$repo/target}
release=$target/release
if [ "$build" = yes ]; then
    echo "building l11-micro, l16-trust and loadgen (release)..." >&2
    cargo build --release --quiet -p l11-micro -p l16-trust -p loadgen
fi
for program in l11-micro l16-trust loadgen; do
    [ -x "$release/$program" ] || { echo "$release/$program is not built" >&2; exit 1; }
done
go_server=$target/loadgen-go/bin/grpc-server
if [ "$build" = yes ]; then
    source "$repo/tools/loadgen/go/build.sh"
    build_go_baselines "$target" "$repo" grpc-server || true
fi
[ -x "$go_server" ] || echo "grpc-go rows skipped: $go_server is not built" >&2

# $work, the priority, the pinning, free_port and cpu_ticks.
source "$repo/tools/loadgen/bench-lib.sh"

# The course's CA, and the certificates both servers show (greeter) and every client shows
# (gateway), as chapter 16 makes them.
certs=$work/certs
"$release/l16-trust" ca --certs "$certs" >/dev/null
"$release/l16-trust" issue greeter --certs "$certs" >/dev/null
"$release/l16-trust" issue gateway --certs "$certs" >/dev/null

# start ROW PORT: starts the server of ROW on 127.0.0.1:PORT, and waits until it accepts.
start() {
    local row=$1 port=$2 command
    case $row in
        micro) command=("$release/l11-micro" --registry memory server --addr "127.0.0.1:$port") ;;
        micro-tls) command=("$release/l11-micro" --registry memory --tls-certs "$certs" server
            --addr "127.0.0.1:$port") ;;
        go) command=("$go_server" -addr "127.0.0.1:$port") ;;
        go-tls) command=("$go_server" -addr "127.0.0.1:$port" -tls-certs "$certs" -tls-as greeter) ;;
    esac
    # taskset execs the server: $! is the server itself, whose CPU time is read.
    "${on_server[@]}" "${command[@]}" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    echo "$row did not start on 127.0.0.1:$port:" >&2
    tail -n 5 "$work/server.log" >&2
    exit 1
}

stop() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
}

# calls ROW: the calls' row, as "CALLS_PER_S P99_MS US_PER_CALL" in $work/result.
calls() {
    local row=$1 port tls=()
    port=$(free_port)
    [[ $row == *-tls ]] && tls=(--tls-certs "$certs" --tls-as gateway --tls-server greeter)
    start "$row" "$port"
    local before after out=$work/loadgen.json
    before=$(cpu_ticks "$server")
    if ! "${on_load[@]}" "$release/loadgen" grpc --client h2 "${tls[@]}" --addr "127.0.0.1:$port" \
        --connections "$connections" --warmup "$warmup" --duration "$duration" --json >"$out"; then
        echo "loadgen failed against $row:" >&2
        cat "$out" >&2
        tail -n 5 "$work/server.log" >&2
        exit 1
    fi
    after=$(cpu_ticks "$server")
    stop
    jq -r --argjson ticks $((after - before)) --argjson hz "$hz" \
        '"\(.requests_per_s) \(.latency_us.p99 / 1000) \($ticks / $hz / .replies_total * 1e6)"' "$out" >"$work/result"
}

# handshakes ROW: the handshakes' row, as "HANDSHAKES_PER_S US_PER_HANDSHAKE" in $work/result.
handshakes() {
    local row=$1 port
    port=$(free_port)
    start "$row" "$port"
    local before after out=$work/s_time.txt
    before=$(cpu_ticks "$server")
    "${on_load[@]}" openssl s_time -connect "127.0.0.1:$port" -new -time "$handshake_time" \
        -cert "$certs/gateway.pem" -key "$certs/gateway.key" -CAfile "$certs/ca.pem" >"$out" 2>&1 || true
    after=$(cpu_ticks "$server")
    stop
    # "N connections in T real seconds, …"
    local line
    line=$(sed -n 's/^\([0-9]*\) connections in \([0-9]*\) real seconds.*/\1 \2/p' "$out" | tail -n 1)
    if [ -z "$line" ]; then
        echo "openssl s_time made no handshake with $row:" >&2
        tail -n 5 "$out" "$work/server.log" >&2
        exit 1
    fi
    awk -v line="$line" -v ticks=$((after - before)) -v hz="$hz" 'BEGIN {
        split(line, f, " "); printf "%.0f %.1f\n", f[1] / f[2], ticks / hz / f[1] * 1e6 }' >"$work/result"
}

rows=(micro micro-tls)
[ -x "$go_server" ] && rows+=(go go-tls)
echo "measuring: $runs runs; calls: $connections connections × 1, warm-up $warmup, measured $duration;" \
    "handshakes: ${handshake_time} s each; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| run | server | calls/s | p99 ms | server µs/call | handshakes/s | server µs/handshake |\n'
printf '|--:|--|--:|--:|--:|--:|--:|\n'
declare -A seen
ratios=()
for run in $(seq "$runs"); do
    # Each run starts one row further on, so a busy minute falls on every row alike.
    order=("${rows[@]:$(((run - 1) % ${#rows[@]}))}" "${rows[@]:0:$(((run - 1) % ${#rows[@]}))}")
    for row in "${order[@]}"; do
        calls "$row" && read -r rps p99 us <"$work/result"
        shakes="-" shake_us="-"
        if [[ $row == *-tls ]]; then
            handshakes "$row" && read -r shakes shake_us <"$work/result"
        fi
        seen[$row]="$rps $us $shakes $shake_us"
        printf '| %d | %s | %s | %.2f | %.1f | %s | %s |\n' "$run" "$row" "$rps" "$p99" "$us" "$shakes" "$shake_us"
    done
    read -r m_rps m_us m_shakes m_shake_us <<<"${seen[micro-tls]}"
    read -r p_rps p_us _ <<<"${seen[micro]}"
    line=$(awk -v t="$m_rps" -v p="$p_rps" -v tu="$m_us" -v pu="$p_us" \
        'BEGIN { printf "%.3f %.3f", t / p, tu / pu }')
    if [ -x "$go_server" ]; then
        read -r g_rps g_us g_shakes g_shake_us <<<"${seen[go-tls]}"
        read -r gp_rps gp_us _ <<<"${seen[go]}"
        line+=" $(awk -v t="$g_rps" -v p="$gp_rps" -v m="$m_rps" -v ms="$m_shakes" -v gs="$g_shakes" \
            -v mu="$m_shake_us" -v gu="$g_shake_us" \
            'BEGIN { printf "%.3f %.3f %.3f %.3f", t / p, m / t, ms / gs, mu / gu }')"
    fi
    ratios+=("$line")
done
# The median of column N of the runs' ratios, with the lowest and highest.
spread() {
    printf '%s\n' "${ratios[@]}" | awk -v n="$1" '{ print $n }' | sort -g | awk '
        { v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.2f (%.2f–%.2f)", m, v[1], v[NR] }'
}
echo
echo "medians of $runs runs, lowest–highest, each ratio taken within a run:"
echo "- the framework's Greeter over mutual TLS: $(spread 1)× the calls a second of plaintext, $(spread 2)× the server's CPU a call"
if [ -x "$go_server" ]; then
    echo "- grpc-go's Greeter over mutual TLS: $(spread 3)× the calls a second of plaintext"
    echo "- over mutual TLS, the framework against grpc-go: $(spread 4)× the calls a second, $(spread 5)× the handshakes a second, $(spread 6)× the server's CPU a handshake"
fi
