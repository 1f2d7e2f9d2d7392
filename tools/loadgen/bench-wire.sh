#!/usr/bin/env bash
# What the wire view's relay costs: lesson 05's server driven by `loadgen grpc` directly,
# and through `workbook wire` (which forwards every byte and decodes a copy of each frame).
# The two take turns, --runs times; each run prints requests/s and p99 of both and their
# ratio, and the end the medians. Release builds; the server on CPU 1, the load generator
# on CPU 0, the relay wherever the kernel puts it (it has no core of its own on a 2-core
# machine: that is part of its cost).
#
#   tools/loadgen/bench-wire.sh                  # 3 runs, 2 s warm-up + 5 s each
#   tools/loadgen/bench-wire.sh --runs 5 --duration 10s --no-build
set -euo pipefail

runs=3
warmup=2s
duration=5s
build=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --no-build) build=no; shift ;;
        *) echo "usage: $0 [--runs 3] [--warmup 2s] [--duration 5s] [--no-build]" >&2; exit 64 ;;
    esac
done

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
release=${CARGO_TARGET_DIR:-target}/release
if [ "$build" = yes ]; then
    cargo build --release --quiet -p loadgen -p l05-grpc -p workbook
fi
pin() { if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

server_port=$(free_port)
relay_port=$(free_port)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
pin 1 "$release/l05-grpc" server --addr "127.0.0.1:$server_port" 2>/dev/null &
pids+=($!)
"$release/workbook" wire --to "127.0.0.1:$server_port" --listen "127.0.0.1:$relay_port" \
    --protocol grpc 2>/dev/null &
pids+=($!)
for port in "$server_port" "$relay_port"; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

measure() { pin 0 "$release/loadgen" grpc --addr "127.0.0.1:$1" --warmup "$warmup" --duration "$duration" --json; }
ratios=()
p99s=()
for run in $(seq "$runs"); do
    direct=$(measure "$server_port")
    relayed=$(measure "$relay_port")
    line=$(jq -rn --argjson d "$direct" --argjson r "$relayed" '
        "run \($ARGS.named.run): direct \($d.requests_per_s) req/s, p99 \($d.latency_us.p99) µs; "
        + "relayed \($r.requests_per_s) req/s, p99 \($r.latency_us.p99) µs; errors \($d.errors + $r.errors); "
        + "req/s relayed ÷ direct \(($r.requests_per_s / $d.requests_per_s * 100 | round) / 100), "
        + "p99 relayed ÷ direct \(($r.latency_us.p99 / $d.latency_us.p99 * 100 | round) / 100)"' --arg run "$run")
    echo "$line"
    ratios+=("$(jq -n --argjson d "$direct" --argjson r "$relayed" '$r.requests_per_s / $d.requests_per_s')")
    p99s+=("$(jq -n --argjson d "$direct" --argjson r "$relayed" '$r.latency_us.p99 / $d.latency_us.p99')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median of $runs runs: req/s relayed ÷ direct $(median "${ratios[@]}"), p99 relayed ÷ direct $(median "${p99s[@]}")"
