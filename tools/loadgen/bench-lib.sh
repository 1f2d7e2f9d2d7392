# What bench-metrics.sh and bench-tls.sh share: sourced by each, after its flags are read.
#
# - $work, a folder of the run's own, removed at the end, with the server ($server, when
#   set) stopped;
# - the session's autogroup at nice -20 while the benchmark runs, where allowed, and set
#   back at the end (as bench.sh does, and for the same reason: otherwise a compiler in
#   another terminal takes half of a core whatever `nice` says);
# - $on_server and $on_load: taskset prefixes that put the server on the last CPU and the
#   load on the others, where there are two or more;
# - free_port, a free port on 127.0.0.1, and cpu_ticks PID, the CPU time (user + system) a
#   process has used, in clock ticks ($hz a second).

work=$(mktemp -d)
server=""
old_priority=""
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    [ -z "$old_priority" ] || echo "$old_priority" >/proc/self/autogroup 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if [ -r /proc/self/autogroup ]; then
    old=$(sed -n 's/.* nice \(-\?[0-9]*\).*/\1/p' /proc/self/autogroup)
    echo -20 >/proc/self/autogroup 2>/dev/null && old_priority=$old
fi

cores=$(nproc)
on_server=()
on_load=()
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null; then
    on_server=(taskset -c $((cores - 1)))
    on_load=(taskset -c 0-$((cores - 2)))
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
