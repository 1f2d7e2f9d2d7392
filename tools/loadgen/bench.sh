#!/usr/bin/env bash
# Measures the course's servers against Go's on this machine, and prints a table.
#
# Builds loadgen and the lesson servers in release, and the Go baselines from Debian's
# packages; then, for each pair, starts the server on a free loopback port, drives it with
# a closed loop of 32 connections, and stops it. Servers and load generator are pinned to
# different cores (taskset) so that they do not take turns on one. On a shared machine the
# benchmark's session gets the highest priority while it runs (its autogroup's nice is set
# to -20 and restored at the end): otherwise a compiler running beside it decides the
# numbers. The CPU time per request of the server and of the load generator is measured
# too: it shows which of the two sets the pace.
#
#   tools/loadgen/bench.sh                      # 2 s warm-up, 10 s measured per row
#   tools/loadgen/bench.sh --duration 5s --connections 64
#   tools/loadgen/bench.sh --no-pin             # let the kernel place everything
#   tools/loadgen/bench.sh --no-priority        # do not raise the benchmark's priority
#   tools/loadgen/bench.sh --only grpc          # echo, rpc, jsonrpc, grpc (comma-separated)
#
# Go baselines need: apt-get install -y golang-go golang-google-grpc-dev golang-goprotobuf-dev protobuf-compiler
set -euo pipefail

warmup=2s
duration=10s
connections=32
pin=yes
priority=yes
only=echo,rpc,jsonrpc,grpc
while [ $# -gt 0 ]; do
    case "$1" in
        --warmup) warmup=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --no-pin) pin=no; shift ;;
        --no-priority) priority=no; shift ;;
        --only) only=$2; shift 2 ;;
        *) echo "usage: $0 [--warmup 2s] [--duration 10s] [--connections 32] [--no-pin] [--no-priority] [--only echo,rpc,jsonrpc,grpc]" >&2; exit 64 ;;
    esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
target=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
results=$(mktemp -d)
servers=()
old_priority=""
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$old_priority" ]; then echo "$old_priority" >/proc/self/autogroup 2>/dev/null || true; fi
    rm -rf "$results"
}
trap cleanup EXIT

# --- placement: the server on the last core, the load generator on the others ----------
cores=$(nproc)
if [ "$pin" = yes ] && [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpus=$((cores - 1))
    load_cpus=0-$((cores - 2))
    on_server=(taskset -c "$server_cpus")
    on_load=(taskset -c "$load_cpus")
    placement="server on CPU $server_cpus, load generator on CPU $load_cpus (taskset)"
else
    on_server=()
    on_load=()
    placement="server and load generator share all $cores CPUs (not pinned)"
fi

# The scheduler shares the CPUs between sessions (autogroups) first and only then between
# processes: raising the benchmark session's weight is what keeps other work off its cores.
priority_note="normal priority"
if [ "$priority" = yes ] && [ -r /proc/self/autogroup ]; then
    old=$(sed -n 's/.* nice \(-\?[0-9]*\).*/\1/p' /proc/self/autogroup)
    if echo -20 >/proc/self/autogroup 2>/dev/null; then
        old_priority=$old
        priority_note="session autogroup at nice -20"
    else
        priority_note="normal priority (could not raise it: needs root or CAP_SYS_NICE)"
    fi
fi

# --- build ------------------------------------------------------------------------------
packages=(loadgen)
wants echo && packages+=(l01-tcp)
wants rpc && packages+=(l02-rpc)
wants jsonrpc && packages+=(l03-jsonrpc)
wants grpc && packages+=(l05-grpc)
echo "building ${packages[*]} (release)..." >&2
cargo build --release -q "${packages[@]/#/--package=}"
# The servers run from the binaries just built: the same as `cargo run --release -p lNN-…
# -- server`, without waiting for cargo's build lock while another build holds it.
release="$target/release"
loadgen="$release/loadgen"

go_bin=""
if command -v go >/dev/null && [ -d /usr/share/gocode/src/google.golang.org/grpc ] \
    && command -v protoc >/dev/null && command -v protoc-gen-go >/dev/null; then
    echo "building the Go baselines (GOPATH mode, Debian's grpc-go)..." >&2
    gopath="$target/loadgen-go/gopath"
    go_bin="$target/loadgen-go/bin"
    rm -rf "$gopath/src/loadgen-go"
    mkdir -p "$gopath/src/loadgen-go/hello" "$go_bin"
    for dir in netrpc-server jsonrpc-server grpc-server netrpc-load; do
        cp -r "$repo/tools/loadgen/go/$dir" "$gopath/src/loadgen-go/"
    done
    protoc -I "$repo/proto" --go_out=plugins=grpc:"$gopath/src/loadgen-go/hello" "$repo/proto/hello.proto"
    (
        cd "$gopath/src/loadgen-go"
        for dir in netrpc-server jsonrpc-server grpc-server netrpc-load; do
            GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" go build -o "$go_bin/$dir" "./$dir"
        done
    )
else
    echo "Go baselines skipped: apt-get install -y golang-go golang-google-grpc-dev golang-goprotobuf-dev protobuf-compiler" >&2
fi

# --- running one pair -------------------------------------------------------------------
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for PORT: until something accepts on 127.0.0.1:PORT (30 s at most).
wait_for() {
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1 after 30 s" >&2
    return 1
}

# start PORT COMMAND...: starts a server on the server's cores and waits for it (taskset
# execs the server, so $! is the server). Says why and returns 1 if it does not come up.
start() {
    local port=$1; shift
    "${on_server[@]}" "$@" >"$results/server-$port.log" 2>&1 &
    server=$!
    servers+=("$server")
    if ! wait_for "$port"; then
        echo "the server did not start: $*" >&2
        tail -n 5 "$results/server-$port.log" >&2
        stop
        return 1
    fi
}

stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}

row=0
# measure LABEL SERVER CLIENT CLIENT-COMMAND...: one run on the load generator's cores,
# its JSON kept for the table. loadgen and netrpc-load take the same flags.
measure() {
    local label=$1 server_name=$2 client_name=$3; shift 3
    row=$((row + 1))
    echo "  $label: $client_name → $server_name" >&2
    local cpu_before load_before
    cpu_before=$(cpu_ticks "$server")
    load_before=$(children_ticks)
    if "${on_load[@]}" "$@" --warmup "$warmup" --duration "$duration" \
        --connections "$connections" --json >"$results/$row.json" 2>"$results/$row.err"; then :; else
        local code=$?
        # Exit code 2 is a finished run that saw errors: the table shows them.
        [ "$code" -eq 2 ] || { cat "$results/$row.err" >&2; echo '{}' >"$results/$row.json"; }
    fi
    echo $(($(cpu_ticks "$server") - cpu_before)) >"$results/$row.ticks"
    echo $(($(children_ticks) - load_before)) >"$results/$row.load-ticks"
    printf '%s\t%s\t%s\n' "$label" "$server_name" "$client_name" >"$results/$row.name"
}

# cpu_ticks PID: the CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# children_ticks: the CPU time of this script's finished children (the load generators).
children_ticks() {
    awk '{ print $16 + $17 }' "/proc/$$/stat"
}
ticks_per_second=$(getconf CLK_TCK)

netrpc_load="$go_bin/netrpc-load"

echo "measuring: $connections connections, warm-up $warmup, $duration each; $placement; $priority_note" >&2

if wants echo; then
    port=$(free_port)
    if start "$port" "$release/l01-tcp" server --addr "127.0.0.1:$port"; then
        measure "echo" "l01-tcp" "loadgen echo" "$loadgen" echo --addr "127.0.0.1:$port"
        stop
    fi
fi

if wants rpc; then
    port=$(free_port)
    if start "$port" "$release/l02-rpc" server --addr "127.0.0.1:$port"; then
        measure "rpc" "l02-rpc" "loadgen rpc" "$loadgen" rpc --addr "127.0.0.1:$port"
        stop
    fi
    if [ -n "$go_bin" ]; then
        port=$(free_port)
        if start "$port" "$go_bin/netrpc-server" -addr "127.0.0.1:$port"; then
            measure "rpc" "Go net/rpc (gob)" "netrpc-load (Go)" "$netrpc_load" -addr "127.0.0.1:$port"
            stop
        fi
    fi
fi

if wants jsonrpc; then
    port=$(free_port)
    http_port=$(free_port)
    if start "$port" "$release/l03-jsonrpc" server --addr "127.0.0.1:$port" --http-addr "127.0.0.1:$http_port"; then
        measure "jsonrpc" "l03-jsonrpc" "loadgen jsonrpc1" "$loadgen" jsonrpc1 --addr "127.0.0.1:$port"
        measure "jsonrpc" "l03-jsonrpc" "loadgen jsonrpc (2.0)" "$loadgen" jsonrpc --addr "127.0.0.1:$port"
        if [ -n "$go_bin" ]; then
            measure "jsonrpc" "l03-jsonrpc" "netrpc-load -codec json (Go)" "$netrpc_load" -codec json -addr "127.0.0.1:$port"
        fi
        stop
    fi
    if [ -n "$go_bin" ]; then
        port=$(free_port)
        if start "$port" "$go_bin/jsonrpc-server" -addr "127.0.0.1:$port"; then
            measure "jsonrpc" "Go jsonrpc" "loadgen jsonrpc1" "$loadgen" jsonrpc1 --addr "127.0.0.1:$port"
            measure "jsonrpc" "Go jsonrpc" "netrpc-load -codec json (Go)" "$netrpc_load" -codec json -addr "127.0.0.1:$port"
            stop
        fi
    fi
fi

if wants grpc; then
    port=$(free_port)
    if start "$port" "$release/l05-grpc" server --addr "127.0.0.1:$port"; then
        measure "grpc" "l05-grpc" "loadgen grpc" "$loadgen" grpc --addr "127.0.0.1:$port"
        measure "grpc" "l05-grpc" "loadgen grpc --client tonic" "$loadgen" grpc --client tonic --addr "127.0.0.1:$port"
        stop
    fi
    if [ -n "$go_bin" ]; then
        port=$(free_port)
        if start "$port" "$go_bin/grpc-server" -addr "127.0.0.1:$port"; then
            measure "grpc" "grpc-go" "loadgen grpc" "$loadgen" grpc --addr "127.0.0.1:$port"
            measure "grpc" "grpc-go" "loadgen grpc --client tonic" "$loadgen" grpc --client tonic --addr "127.0.0.1:$port"
            stop
        fi
    fi
fi

# --- the table --------------------------------------------------------------------------
echo
echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -sr); $connections connections, closed loop, warm-up $warmup, measured $duration; $placement; $priority_note"
echo "server / client µs/req: CPU time (user + system) of the server / the load generator over the whole run, divided by the right replies"
echo
format='| %-8s | %-16s | %-28s | %9s | %8s | %8s | %8s | %6s | %13s | %13s |\n'
printf "$format" protocol server "load generator" "req/s" "p50 ms" "p99 ms" "p99.9 ms" errors "server µs/req" "client µs/req"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ---------- ------------------ ------------------------------ \
    ----------: ---------: ---------: ---------: -------: --------------: --------------:
for n in $(seq "$row"); do
    IFS=$'\t' read -r label server_name client_name <"$results/$n.name"
    ticks=$(cat "$results/$n.ticks")
    load_ticks=$(cat "$results/$n.load-ticks")
    jq -r --argjson ticks "$ticks" --argjson load "$load_ticks" --argjson hz "$ticks_per_second" '
        def ms: if . == null then "-" else (. / 1000 * 1000 | round / 1000 | tostring) end;
        [(.requests_per_s // "-" | tostring),
         (.latency_us.p50 | ms), (.latency_us.p99 | ms), (.latency_us.p99_9 | ms),
         (.errors // "-" | tostring),
         (if (.replies_total // 0) > 0 then ($ticks / $hz * 1e6 / .replies_total * 10 | round / 10 | tostring) else "-" end),
         (if (.replies_total // 0) > 0 then ($load / $hz * 1e6 / .replies_total * 10 | round / 10 | tostring) else "-" end)]
        | @tsv' "$results/$n.json" |
    while IFS=$'\t' read -r rps p50 p99 p999 errors cpu load_cpu; do
        printf "$format" "$label" "$server_name" "$client_name" "$rps" "$p50" "$p99" "$p999" "$errors" "$cpu" "$load_cpu"
    done
done
