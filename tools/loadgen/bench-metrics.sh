#!/usr/bin/env bash
# What metrics cost a framework service: lesson 11's Greeter (`l11-micro server`, micro's
# Service) with its metrics layer and /metrics, and the same binary with MICRO_METRICS=off,
# driven by h2load (Debian's nghttp2-client: a client no one here wrote), as appendix B
# drives the gRPC servers: 32 connections, one SayHello in flight on each, the calls after a
# warm-up of a tenth of them counted. The two take turns, each run starting with the other,
# --runs times; a run prints calls a second and the server's CPU time per call (user +
# system, from /proc/PID/stat, over the measured calls) of both, and the cost: how many
# fewer calls a second, how much more CPU a call. The end prints the medians with the
# lowest and highest run. After each run with metrics, the service's own count of the calls
# it answered OK (grpc_server_handled_total, scraped from /metrics) must equal h2load's:
# the layer counted every call it was measured on.
#
# Release build; the server on the last CPU, h2load on the others (taskset); the session's
# autogroup at nice -20 while it runs, where allowed (as bench.sh, and for the same reason).
#
#   tools/loadgen/bench-metrics.sh                     # 5 runs of 150 000 calls each way
#   tools/loadgen/bench-metrics.sh --runs 9 --calls 300000 --no-build
#   tools/loadgen/bench-metrics.sh --streams 8          # 8 calls in flight on each connection
#
# With one call in flight on each connection the server waits for h2load between calls, and
# its CPU time per call moves with how often it is woken (by 10 % and more from run to run
# on a shared machine); with --streams 8 its core is full, and each call's cost is its work.
set -euo pipefail

runs=5
calls=150000
connections=32
streams=1
build=yes
usage="usage: $0 [--runs 5] [--calls 150000] [--connections 32] [--streams 1] [--no-build]"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --calls) calls=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --streams) streams=$2; shift 2 ;;
        --no-build) build=no; shift ;;
        *) echo "$usage" >&2; exit 64 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "--runs takes 1 to 99" >&2; exit 64; }
[[ "$calls" =~ ^[1-9][0-9]{3,8}$ ]] || { echo "--calls takes 1000 to 999999999" >&2; exit 64; }
[[ "$connections" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "--connections takes 1 to 9999" >&2; exit 64; }
[[ "$streams" =~ ^[1-9][0-9]?$ ]] || { echo "--streams takes 1 to 99" >&2; exit 64; }
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
release=${CARGO_TARGET_DIR:-$repo/target}/release
if [ "$build" = yes ]; then
    echo "building l11-micro (release)..." >&2
    cargo build --release --quiet -p l11-micro
fi
service="$release/l11-micro"
[ -x "$service" ] || { echo "$service is not built" >&2; exit 1; }

# $work, the priority, the pinning, free_port and cpu_ticks.
source "$repo/tools/loadgen/bench-lib.sh"
# SayHello("world"): no compression, 7 bytes of message (field 1, length 5, "world").
printf '\x00\x00\x00\x00\x07\x0a\x05world' >"$work/hello.grpc"

# one METRICS: starts the service with MICRO_METRICS=METRICS, runs the warm-up and the
# measured calls, and writes "CALLS_PER_S US_PER_CALL" of the measured ones to $work/result.
one() {
    local metrics=$1 port
    port=$(free_port)
    MICRO_METRICS=$metrics "${on_server[@]}" "$service" --registry memory server \
        --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    local call=(-c "$connections" -m "$streams" -d "$work/hello.grpc" -H 'content-type: application/grpc'
        -H 'te: trailers' "http://127.0.0.1:$port/hello.Greeter/SayHello")
    "${on_load[@]}" h2load -n $((calls / 10)) "${call[@]}" >/dev/null 2>&1 || true
    local before after out=$work/h2load.txt
    before=$(cpu_ticks "$server")
    "${on_load[@]}" h2load -n "$calls" "${call[@]}" >"$out" 2>&1 || true
    after=$(cpu_ticks "$server")
    local rps ok
    rps=$(sed -n 's/^finished in [0-9.]*m\?s, \([0-9.]*\) req\/s.*/\1/p' "$out")
    ok=$(sed -n 's/^requests: .* \([0-9]*\) succeeded, .*/\1/p' "$out")
    if [ -z "$rps" ] || [ "${ok:-0}" -ne "$calls" ]; then
        echo "h2load did not finish its $calls calls (MICRO_METRICS=$metrics):" >&2
        tail -n 5 "$out" "$work/server.log" >&2
        exit 1
    fi
    if [ "$metrics" = on ]; then
        # Every call h2load made, the warm-up's too, is one the service counted OK.
        local counted
        counted=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '
            /^grpc_server_handled_total\{/ && /grpc_method="SayHello"/ && /grpc_code="OK"/ { n += $NF }
            END { print n + 0 }')
        if [ "$counted" -ne $((calls + calls / 10)) ]; then
            echo "the service counted $counted calls OK, h2load made $((calls + calls / 10))" >&2
            exit 1
        fi
    fi
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    awk -v rps="$rps" -v ticks=$((after - before)) -v hz="$hz" -v calls="$calls" \
        'BEGIN { printf "%.0f %.2f\n", rps, ticks / hz / calls * 1e6 }' >"$work/result"
}

echo "measuring: $runs runs of $calls calls each way after $((calls / 10)) for the warm-up," \
    "$connections connections × $streams; $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| run | with: calls/s | with: server µs/call | without: calls/s | without: server µs/call | fewer calls/s | more CPU a call |\n'
printf '|--:|--:|--:|--:|--:|--:|--:|\n'
costs=()
for run in $(seq "$runs"); do
    if [ $((run % 2)) -eq 1 ]; then
        one on && read -r with_rps with_us <"$work/result"
        one off && read -r without_rps without_us <"$work/result"
    else
        one off && read -r without_rps without_us <"$work/result"
        one on && read -r with_rps with_us <"$work/result"
    fi
    line=$(awk -v wr="$with_rps" -v wu="$with_us" -v nr="$without_rps" -v nu="$without_us" \
        'BEGIN { printf "%.2f %.2f", (1 - wr / nr) * 100, (wu / nu - 1) * 100 }')
    read -r fewer more <<<"$line"
    costs+=("$fewer $more $with_rps $with_us $without_rps $without_us")
    printf '| %d | %s | %s | %s | %s | %s %% | %s %% |\n' "$run" "$with_rps" "$with_us" \
        "$without_rps" "$without_us" "$fewer" "$more"
done
# The median of column N of the runs, with the lowest and highest.
spread() {
    printf '%s\n' "${costs[@]}" | awk -v n="$1" '{ print $n }' | sort -g | awk '
        { v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%g (%g to %g)", m, v[1], v[NR] }'
}
echo
echo "medians of $runs runs (lowest to highest):" \
    "with metrics $(spread 3) calls/s at $(spread 4) µs a call;" \
    "without $(spread 5) calls/s at $(spread 6) µs a call;" \
    "cost: $(spread 1) % fewer calls a second, $(spread 2) % more CPU a call"
