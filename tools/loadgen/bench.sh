#!/usr/bin/env bash
# Measures the course's servers against Go's on this machine, and prints a table.
#
# Builds loadgen, the lesson servers and grpc-fast (lesson 05's Greeter without tonic's
# server) in release, and the Go baselines from Debian's packages; then, for each pair,
# starts the server on a free loopback port, drives it with a closed loop of 32
# connections, and stops it. Every pair is measured --runs times (the
# runs take turns, so a busy minute on the machine falls on every row alike), and the table
# gives each row's median with the lowest and highest run beside it: one run says little
# on a shared machine. Servers and load generator are pinned to different cores (taskset)
# so that they do not take turns on one. On a shared machine the benchmark's session gets
# the highest priority while it runs (its autogroup's nice is set to -20 and restored at
# the end): otherwise a compiler running beside it decides the numbers. The CPU time per
# request of the server and of the load generator is measured too: it shows which of the
# two sets the pace. The 1-minute load average before each row is kept beside it.
#
#   tools/loadgen/bench.sh                      # 3 runs; 2 s warm-up, 10 s measured per row
#   tools/loadgen/bench.sh --runs 5 --duration 5s --connections 64
#   tools/loadgen/bench.sh --no-pin             # let the kernel place everything
#   tools/loadgen/bench.sh --no-priority        # do not raise the benchmark's priority
#   tools/loadgen/bench.sh --only grpc          # echo, rpc, jsonrpc, grpc, events (comma-separated)
#   tools/loadgen/bench.sh --only events --events-messages 200000
#   tools/loadgen/bench.sh --report out/        # also keep runs.jsonl, table.md, benchmarks.svg
#   tools/loadgen/bench.sh --no-build           # measure the binaries built last time
#   tools/loadgen/bench.sh --mine               # build the lessons from your own answers
#
# The lessons are built with `--features solution` (the reference answers), so that an
# exercise you are in the middle of never stops the benchmark. `--mine` builds them as you
# left them, without that feature. The `server` subcommands measured here serve each
# lesson's worked example (src/), which no exercise replaces: with --mine the numbers change
# only where you changed the worked example itself, and the build fails if an exercise of
# yours does not compile.
#
# The gRPC servers are measured under a client that no one here wrote, too: h2load, the
# HTTP/2 load tool of nghttp2 (Debian's nghttp2-client), with the same 32 connections and
# one call in flight on each. It knows nothing of gRPC: it posts the same 5-byte-prefixed
# SayHello message every time and counts HTTP answers (a gRPC error would still be a 200).
# It runs a number of calls rather than a time: --h2load-calls after a warm-up of a tenth
# of them, and the server's CPU time is counted over the measured calls alone.
#
# The events rows (lesson 12) start a private nats-server (Debian's nats-server) on a free
# port and run `loadgen events` (built with `--features events`: lesson 12's own brokers)
# over it: --events-messages messages after a warm-up of a tenth of them, --connections
# publishes in flight, as fast as they go. A row is a number of messages, not a time. Beside
# them: the http broker over a registry inside loadgen (no server at all: both ends are in
# loadgen, so there is no server CPU to count), and the Go baseline nats-events (go/) on the
# same nats-server, once as go-micro's NATS broker publishes (the client buffers the message
# and goes on) and once with -confirm (each publish waits until the server has it, as
# lesson 12's broker does: that is the row compared with it). go-micro's HTTP broker has
# no Debian package: it has no Go row.
#
# Go baselines need Debian's Go, grpc-go and protobuf sources, and the two protoc plugins:
#   apt-get install -y golang-go golang-google-grpc-dev golang-google-protobuf-dev \
#       golang-github-golang-protobuf-1-5-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc
# Not golang-goprotobuf-dev: its old protoc-gen-go conflicts with protoc-gen-go. And grpc-go
# must find github.com/golang/protobuf 1.4 or later (the 1-5 package, which replaces the 1-3
# one golang-google-grpc-dev may have brought): 1.3 cannot read the messages protoc-gen-go
# generates, and the server panics on the first call.
set -euo pipefail

warmup=2s
duration=10s
connections=32
runs=3
pin=yes
priority=yes
only=echo,rpc,jsonrpc,grpc,events
events_messages=100000
report_dir=""
build=yes
mine=no
h2load_calls=150000
usage="usage: $0 [--runs 3] [--warmup 2s] [--duration 10s] [--connections 32] [--h2load-calls 150000] [--no-pin] [--no-priority] [--only echo,rpc,jsonrpc,grpc,events] [--events-messages 100000] [--report DIR] [--no-build] [--mine]"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --h2load-calls) h2load_calls=$2; shift 2 ;;
        --no-pin) pin=no; shift ;;
        --no-priority) priority=no; shift ;;
        --only) only=$2; shift 2 ;;
        --events-messages) events_messages=$2; shift 2 ;;
        --report) report_dir=$2; shift 2 ;;
        --no-build) build=no; shift ;;
        --mine) mine=yes; shift ;;
        *) echo "$usage" >&2; exit 64 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || { echo "--runs takes 1 to 99" >&2; exit 64; }
[[ "$events_messages" =~ ^[1-9][0-9]{2,6}$ ]] || { echo "--events-messages takes 100 to 9999999" >&2; exit 64; }
[[ "$h2load_calls" =~ ^[1-9][0-9]{3,8}$ ]] || { echo "--h2load-calls takes 1000 to 999999999" >&2; exit 64; }
wants() { [[ ",$only," == *",$1,"* ]]; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
target=${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps 2>/dev/null | jq -r .target_directory || true)}
target=${target:-$repo/target}
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
    pinned="server on CPU $server_cpus, client on CPU $load_cpus"
else
    on_server=()
    on_load=()
    placement="server and load generator share all $cores CPUs (not pinned)"
    pinned="not pinned"
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
wants grpc && packages+=(l05-grpc grpc-fast)
features=()
# loadgen events runs lesson 12's brokers from inside loadgen (always the reference answers).
wants events && features+=("--features=loadgen/events")
if [ "$mine" = no ]; then
    for package in "${packages[@]}"; do
        case $package in
            l[0-9][0-9]-*) features+=("--features=$package/solution") ;;
        esac
    done
fi
# The servers run from the binaries built here: the same as `cargo run --release -p lNN-…
# -- server`, without waiting for cargo's build lock while another build holds it.
release="$target/release"
loadgen="$release/loadgen"
if [ "$build" = yes ]; then
    answers=$([ "$mine" = yes ] && echo "your answers" || echo "the reference answers")
    echo "building ${packages[*]} (release, $answers)..." >&2
    cargo build --release -q "${packages[@]/#/--package=}" "${features[@]}"
else
    for package in "${packages[@]}"; do
        [ -x "$release/$package" ] || { echo "--no-build: $release/$package is not built" >&2; exit 1; }
    done
fi

go_bin=""
gocode=/usr/share/gocode/src
source "$repo/tools/loadgen/go/build.sh"
if [ "$build" = no ]; then
    if [ -x "$target/loadgen-go/bin/grpc-server" ]; then
        go_bin="$target/loadgen-go/bin"
    else
        echo "Go baselines skipped: --no-build, and none were built before" >&2
    fi
elif build_go_baselines "$target" "$repo" netrpc-server jsonrpc-server grpc-server netrpc-load; then
    go_bin="$target/loadgen-go/bin"
fi

# The NATS baseline needs only Go and Debian's Go NATS client, golang-github-nats-io-go-nats-dev
# (nats.go 1.22). Installing that package removes golang-github-golang-protobuf-1-5-dev and
# protoc-gen-go (it depends on golang-goprotobuf-dev, protobuf 1.3, which the gRPC baseline
# cannot use), so unless it is installed already, its sources and those of the three packages
# it builds on are unpacked into target/ (apt-get download, dpkg-deb -x: no root, nothing
# installed). nats-server is Debian's too.
nats_server=$(command -v nats-server || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; } || true)
nats_events=""
nats_debs="golang-github-nats-io-go-nats-dev golang-github-nats-io-nkeys-dev golang-github-nats-io-nuid-dev golang-golang-x-crypto-dev"
if wants events; then
    [ -n "$nats_server" ] || echo "NATS rows skipped: apt-get install -y nats-server" >&2
    debs="$target/loadgen-go/debs"
    if [ "$build" = no ]; then
        [ -x "$target/loadgen-go/bin/nats-events" ] && nats_events="$target/loadgen-go/bin/nats-events"
    elif command -v go >/dev/null; then
        if [ ! -d "$gocode/github.com/nats-io/nats.go" ] && [ ! -d "$debs/usr/share/gocode/src/github.com/nats-io/nats.go" ]; then
            echo "unpacking Debian's Go NATS client into $debs..." >&2
            mkdir -p "$debs/download"
            # shellcheck disable=SC2086 # the package names are words
            if (cd "$debs/download" && apt-get download $nats_debs >/dev/null); then
                for deb in "$debs"/download/*.deb; do dpkg-deb -x "$deb" "$debs"; done
            fi
        fi
        if [ -d "$gocode/github.com/nats-io/nats.go" ] || [ -d "$debs/usr/share/gocode/src/github.com/nats-io/nats.go" ]; then
            echo "building the Go NATS baseline (GOPATH mode, Debian's nats.go)..." >&2
            nats_gopath="$target/loadgen-go/gopath-nats"
            rm -rf "$nats_gopath/src/loadgen-go"
            mkdir -p "$nats_gopath/src/loadgen-go" "$target/loadgen-go/bin"
            cp -r "$repo/tools/loadgen/go/nats-events" "$nats_gopath/src/loadgen-go/"
            (
                cd "$nats_gopath/src/loadgen-go"
                GO111MODULE=off GOPATH="$nats_gopath:$debs/usr/share/gocode:/usr/share/gocode" \
                    go build -o "$target/loadgen-go/bin/nats-events" ./nats-events
            ) && nats_events="$target/loadgen-go/bin/nats-events"
        fi
    fi
    [ -n "$nats_events" ] || echo "Go NATS baseline skipped: apt-get install -y golang-go (and apt-get download $nats_debs)" >&2
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

run=0
# measure PROTOCOL SERVER CLIENT SIDE COMPARE CLIENT-COMMAND...: one run on the load
# generator's cores; its JSON, with the server's and the client's CPU time and the load
# average, becomes a line of runs.jsonl. SIDE is rust or go; rows that share a COMPARE name
# ("" for none; several separated by ";") are set against each other. loadgen and netrpc-load take the same flags.
measure() {
    local protocol=$1 server_name=$2 client_name=$3 side=$4 compare=$5; shift 5
    echo "  run $run/$runs, $protocol: $client_name → $server_name" >&2
    local cpu_before load_before load_1m out=$results/last.json
    load_1m=$(cut -d' ' -f1 /proc/loadavg)
    cpu_before=$(cpu_ticks "$server")
    load_before=$(children_ticks)
    if "${on_load[@]}" "$@" --warmup "$warmup" --duration "$duration" \
        --connections "$connections" --json >"$out" 2>"$results/last.err"; then :; else
        local code=$?
        # Exit code 2 is a finished run that saw errors: the table shows them.
        [ "$code" -eq 2 ] || { cat "$results/last.err" >&2; return 0; }
    fi
    local server_ticks=$(($(cpu_ticks "$server") - cpu_before))
    local client_ticks=$(($(children_ticks) - load_before))
    jq -c --argjson run "$run" --arg protocol "$protocol" --arg server "$server_name" \
        --arg client "$client_name" --arg side "$side" --arg compare "$compare" \
        --argjson load "$load_1m" --argjson hz "$ticks_per_second" \
        --argjson server_ticks "$server_ticks" --argjson client_ticks "$client_ticks" \
        '{run: $run, protocol: $protocol, server: $server, client: $client, side: $side}
         + (if $compare == "" then {} else {compare: ($compare | split(";"))} end)
         + {load_1m: $load, server_cpu_s: ($server_ticks / $hz),
            client_cpu_s: ($client_ticks / $hz), report: .}' "$out" >>"$results/runs.jsonl"
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

# measure_events SERVER-PID SERVER CLIENT SIDE COMPARE COMMAND...: as measure, for a row of
# lesson 12's events: the command carries its own flags (a number of messages, not a time).
# SERVER-PID "" is a row with no server process (the http broker: both ends in loadgen).
measure_events() {
    local pid=$1 server_name=$2 client_name=$3 side=$4 compare=$5; shift 5
    echo "  run $run/$runs, events: $client_name → $server_name" >&2
    local load_1m cpu_before=0 load_before out=$results/last.json
    load_1m=$(cut -d' ' -f1 /proc/loadavg)
    [ -z "$pid" ] || cpu_before=$(cpu_ticks "$pid")
    load_before=$(children_ticks)
    if "${on_load[@]}" "$@" >"$out" 2>"$results/last.err"; then :; else
        local code=$?
        [ "$code" -eq 2 ] || { cat "$results/last.err" >&2; return 0; }
    fi
    local server_ticks=null client_ticks=$(($(children_ticks) - load_before))
    [ -z "$pid" ] || server_ticks=$(($(cpu_ticks "$pid") - cpu_before))
    jq -c --argjson run "$run" --arg server "$server_name" --arg client "$client_name" \
        --arg side "$side" --arg compare "$compare" --argjson load "$load_1m" \
        --argjson hz "$ticks_per_second" --argjson server_ticks "$server_ticks" \
        --argjson client_ticks "$client_ticks" \
        '{run: $run, protocol: "events", server: $server, client: $client, side: $side}
         + (if $compare == "" then {} else {compare: [$compare]} end)
         + {load_1m: $load, client_cpu_s: ($client_ticks / $hz), report: .}
         + (if $server_ticks == null then {} else {server_cpu_s: ($server_ticks / $hz)} end)' \
        "$out" >>"$results/runs.jsonl"
}

netrpc_load="$go_bin/netrpc-load"

# measure_h2load SERVER SIDE COMPARE PORT: one h2load run against a gRPC server, as
# measure does for loadgen: a warm-up, then the measured calls; its figures become a line of
# runs.jsonl in the shape loadgen's report reads.
h2load_ok=no
if wants grpc; then
    if command -v h2load >/dev/null; then
        h2load_ok=yes
        # SayHello("world"): no compression, 7 bytes of message (field 1, length 5, "world").
        printf '\x00\x00\x00\x00\x07\x0a\x05world' >"$results/hello.grpc"
    else
        echo "h2load rows skipped: apt-get install -y nghttp2-client" >&2
    fi
fi
measure_h2load() {
    local server_name=$1 side=$2 compare=$3 port=$4
    echo "  run $run/$runs, grpc: h2load → $server_name" >&2
    local call=(-c "$connections" -m 1 -d "$results/hello.grpc" -H 'content-type: application/grpc'
        -H 'te: trailers' "http://127.0.0.1:$port/hello.Greeter/SayHello")
    "${on_load[@]}" h2load -n $((h2load_calls / 10)) "${call[@]}" >/dev/null 2>&1 || true
    local load_1m cpu_before load_before out=$results/h2load.txt
    load_1m=$(cut -d' ' -f1 /proc/loadavg)
    cpu_before=$(cpu_ticks "$server")
    load_before=$(children_ticks)
    "${on_load[@]}" h2load -n "$h2load_calls" "${call[@]}" >"$out" 2>&1 || true
    local server_ticks=$(($(cpu_ticks "$server") - cpu_before))
    local client_ticks=$(($(children_ticks) - load_before))
    # "finished in 4.12s, 36403.04 req/s, ..." and "requests: N total, N started, N done,
    # N succeeded, N failed, N errored, N timeout"
    local rps ok failed seconds
    rps=$(sed -n 's/^finished in \([0-9.]*\)\(m\?s\), \([0-9.]*\) req\/s.*/\3/p' "$out")
    seconds=$(sed -n 's/^finished in \([0-9.]*\)\(m\?s\),.*/\1 \2/p' "$out" |
        awk '{ print ($2 == "ms") ? $1 / 1000 : $1 }')
    ok=$(sed -n 's/^requests: .* \([0-9]*\) succeeded, \([0-9]*\) failed.*/\1/p' "$out")
    failed=$(sed -n 's/^requests: .* \([0-9]*\) failed, \([0-9]*\) errored, \([0-9]*\) timeout.*/\1 \2 \3/p' "$out" |
        awk '{ print $1 + $2 + $3 }')
    if [ -z "$rps" ] || [ -z "$ok" ]; then
        echo "h2load did not finish:" >&2
        tail -n 5 "$out" >&2
        return 0
    fi
    jq -nc --argjson run "$run" --arg server "$server_name" --arg side "$side" \
        --arg compare "$compare" --argjson load "$load_1m" --argjson hz "$ticks_per_second" \
        --argjson server_ticks "$server_ticks" --argjson client_ticks "$client_ticks" \
        --argjson rps "$rps" --argjson ok "$ok" --argjson failed "${failed:-0}" \
        --argjson seconds "${seconds:-0}" --argjson connections "$connections" \
        '{run: $run, protocol: "grpc", server: $server, client: "h2load (nghttp2)", side: $side}
         + (if $compare == "" then {} else {compare: ($compare | split(";"))} end)
         + {load_1m: $load, server_cpu_s: ($server_ticks / $hz),
            client_cpu_s: ($client_ticks / $hz),
            report: {protocol: "grpc", client: "h2load", connections: $connections,
                     requests: ($ok + $failed), replies_total: $ok, errors: $failed,
                     duration_s: $seconds, requests_per_s: $rps}}' >>"$results/runs.jsonl"
}

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs || true)
machine="$(nproc) CPUs (${cpu_model:-unknown CPU}), $(uname -sr)"
# What one run of the rows asked for is: requests over $connections connections for a time,
# and lesson 12's events a number of messages with $connections publishes in flight.
plan=""
[ "$only" != events ] && plan="$connections connections, warm-up $warmup, $duration each"
wants events && plan="${plan:+$plan; }events: $events_messages messages after $((events_messages / 10)) for the warm-up, $connections publishes in flight"
echo "measuring: $runs runs of $plan; $placement; $priority_note" >&2

: >"$results/runs.jsonl"
for run in $(seq "$runs"); do
    if wants echo; then
        port=$(free_port)
        if start "$port" "$release/l01-tcp" server --addr "127.0.0.1:$port"; then
            measure echo l01-tcp "loadgen echo" rust "" "$loadgen" echo --addr "127.0.0.1:$port"
            stop
        fi
    fi

    if wants rpc; then
        compare="lesson 02 (loadgen rpc) vs Go net/rpc (netrpc-load)"
        port=$(free_port)
        if start "$port" "$release/l02-rpc" server --addr "127.0.0.1:$port"; then
            measure rpc l02-rpc "loadgen rpc" rust "$compare" "$loadgen" rpc --addr "127.0.0.1:$port"
            stop
        fi
        if [ -n "$go_bin" ]; then
            port=$(free_port)
            if start "$port" "$go_bin/netrpc-server" -addr "127.0.0.1:$port"; then
                measure rpc "Go net/rpc (gob)" "netrpc-load (Go)" go "$compare" \
                    "$netrpc_load" -addr "127.0.0.1:$port"
                stop
            fi
        fi
    fi

    if wants jsonrpc; then
        same_client="lesson 03 vs Go jsonrpc, both under loadgen jsonrpc1"
        go_client="lesson 03 vs Go jsonrpc, both under netrpc-load -codec json"
        port=$(free_port)
        http_port=$(free_port)
        if start "$port" "$release/l03-jsonrpc" server --addr "127.0.0.1:$port" --http-addr "127.0.0.1:$http_port"; then
            measure jsonrpc l03-jsonrpc "loadgen jsonrpc1" rust "$same_client" \
                "$loadgen" jsonrpc1 --addr "127.0.0.1:$port"
            measure jsonrpc l03-jsonrpc "loadgen jsonrpc (2.0)" rust "" \
                "$loadgen" jsonrpc --addr "127.0.0.1:$port"
            if [ -n "$go_bin" ]; then
                measure jsonrpc l03-jsonrpc "netrpc-load -codec json (Go)" rust "$go_client" \
                    "$netrpc_load" -codec json -addr "127.0.0.1:$port"
            fi
            stop
        fi
        if [ -n "$go_bin" ]; then
            port=$(free_port)
            if start "$port" "$go_bin/jsonrpc-server" -addr "127.0.0.1:$port"; then
                measure jsonrpc "Go jsonrpc" "loadgen jsonrpc1" go "$same_client" \
                    "$loadgen" jsonrpc1 --addr "127.0.0.1:$port"
                measure jsonrpc "Go jsonrpc" "netrpc-load -codec json (Go)" go "$go_client" \
                    "$netrpc_load" -codec json -addr "127.0.0.1:$port"
                stop
            fi
        fi
    fi

    if wants grpc && [ "$h2load_ok" = yes ]; then
        # Every gRPC server under h2load first: the client no one here wrote.
        label="lesson 05 vs grpc-go, both under h2load"
        fast_label="grpc-fast vs grpc-go, both under h2load"
        port=$(free_port)
        if start "$port" "$release/l05-grpc" server --addr "127.0.0.1:$port"; then
            measure_h2load l05-grpc rust "$label" "$port"
            stop
        fi
        port=$(free_port)
        if start "$port" "$release/grpc-fast" server --addr "127.0.0.1:$port"; then
            measure_h2load grpc-fast rust "$fast_label" "$port"
            stop
        fi
        if [ -n "$go_bin" ]; then
            port=$(free_port)
            if start "$port" "$go_bin/grpc-server" -addr "127.0.0.1:$port"; then
                measure_h2load grpc-go go "$label;$fast_label" "$port"
                stop
            fi
        fi
    fi

    if wants grpc; then
        # Every gRPC server under each of loadgen's three clients: its own frames (the
        # leanest, the default), the h2 crate's, and tonic's generated client. Rows under the
        # same client are compared.
        for client in frames h2 tonic; do
            label="loadgen grpc --client $client"
            [ "$client" = frames ] && label="loadgen grpc"
            port=$(free_port)
            if start "$port" "$release/l05-grpc" server --addr "127.0.0.1:$port"; then
                measure grpc l05-grpc "$label" rust "lesson 05 vs grpc-go, both under $label" \
                    "$loadgen" grpc --client "$client" --addr "127.0.0.1:$port"
                stop
            fi
            port=$(free_port)
            if start "$port" "$release/grpc-fast" server --addr "127.0.0.1:$port"; then
                measure grpc grpc-fast "$label" rust "grpc-fast vs grpc-go, both under $label" \
                    "$loadgen" grpc --client "$client" --addr "127.0.0.1:$port"
                stop
            fi
            if [ -n "$go_bin" ]; then
                port=$(free_port)
                if start "$port" "$go_bin/grpc-server" -addr "127.0.0.1:$port"; then
                    measure grpc grpc-go "$label" go \
                        "lesson 05 vs grpc-go, both under $label;grpc-fast vs grpc-go, both under $label" \
                        "$loadgen" grpc --client "$client" --addr "127.0.0.1:$port"
                    stop
                fi
            fi
        done
    fi

    if wants events; then
        # The same messages for every row: a tenth of them first as the warm-up.
        events=(--messages "$events_messages" --warmup $((events_messages / 10))
            --concurrency "$connections" --json)
        confirmed="lesson 12 vs nats.go, each publish confirmed"
        port=$(free_port)
        if [ -n "$nats_server" ] && start "$port" "$nats_server" -a 127.0.0.1 -p "$port"; then
            url="nats://127.0.0.1:$port"
            measure_events "$server" nats-server "loadgen events (lesson 12 NATS broker)" rust \
                "$confirmed" "$loadgen" events --broker nats --broker-address "$url" "${events[@]}"
            if [ -n "$nats_events" ]; then
                measure_events "$server" nats-server "nats-events -confirm (Go)" go "$confirmed" \
                    "$nats_events" -addr "$url" -confirm "${events[@]}"
                measure_events "$server" nats-server "nats-events (Go, as go-micro publishes)" go "" \
                    "$nats_events" -addr "$url" "${events[@]}"
            fi
            stop
        fi
        measure_events "" "lesson 12 http broker (in loadgen)" "loadgen events --broker http" rust "" \
            "$loadgen" events --broker http --registry memory "${events[@]}"
    fi
done

# --- the table --------------------------------------------------------------------------
if [ ! -s "$results/runs.jsonl" ]; then
    echo "no row was measured" >&2
    exit 1
fi
settings="$runs runs of $plan (closed loop); $placement; $priority_note"
svg_args=()
if [ -n "$report_dir" ]; then
    mkdir -p "$report_dir"
    cp "$results/runs.jsonl" "$report_dir/runs.jsonl"
    svg_args=(--svg "$report_dir/benchmarks.svg")
fi
{
    echo "Machine: $machine"
    echo "How: $settings"
    echo
    "$loadgen" report "$results/runs.jsonl" "${svg_args[@]}" \
        --subtitle "$machine; $runs runs of $plan; $pinned"
} | tee "$results/table.md"
if [ -n "$report_dir" ]; then
    cp "$results/table.md" "$report_dir/table.md"
    echo >&2
    echo "kept in $report_dir: runs.jsonl, table.md, benchmarks.svg" >&2
fi
