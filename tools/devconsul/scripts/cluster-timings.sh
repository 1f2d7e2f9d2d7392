#!/usr/bin/env bash
# How long a cluster of development agents takes to see what happens to a member, as
# appendix A reports it: a registration on a client seen in the server's catalog, a member
# that leaves gone from it, a member killed (SIGKILL) listed as failed. Three agents on
# loopback with Consul's gossip timings (a probe a second), RUNS times (default 5).
#
#   tools/devconsul/scripts/cluster-timings.sh [RUNS]
#
# It builds devconsul in release mode first. Each time is measured by asking the server's
# HTTP API every 10 ms from the moment of the action, so it is accurate to about 10 ms.
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-5}
cargo build -q --release -p devconsul
agent=target/release/devconsul
work=$(mktemp -d)
# The agents run outside this shell's jobs (no "Killed" notices); all are found by their
# data directory under $work.
stop_agents() { pkill -f -- "-data-dir $work/" 2>/dev/null || true; }
trap 'stop_agents; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
# Polls until the command succeeds; prints the milliseconds since $1.
until_true() {
  local since=$1; shift
  until "$@" >/dev/null 2>&1; do sleep 0.01; done
  echo $(($(now_ms) - since))
}
api=http://127.0.0.1:18500
member_is() { "$agent" members -http-addr $api | grep -q "^$1 .* $2 "; }
registered() { curl -sf "$api/v1/catalog/service/timing" | grep -q '"Node":"c1"'; }
gone() { ! curl -sf "$api/v1/catalog/nodes" | grep -q "\"$1\""; }

printf '%-4s %14s %12s %14s\n' run "registered ms" "left ms" "failed ms"
for run in $(seq "$runs"); do
  rm -rf "${work:?}"/*
  ("$agent" agent -server -bootstrap-expect 1 -bind 127.0.0.1 -node s -data-dir "$work/s" \
    -http-port 18500 -serf-lan-port 18301 -server-port 18300 >"$work/s.log" 2>&1 &)
  until "$agent" members -http-addr $api >/dev/null 2>&1; do sleep 0.05; done
  for n in 1 2; do
    ("$agent" agent -bind 127.0.0.1 -node "c$n" -data-dir "$work/c$n" -http-port $((18500 + n)) \
      -serf-lan-port $((18301 + n)) -join 127.0.0.1:18301 >"$work/c$n.log" 2>&1 &)
  done
  until member_is c1 alive && member_is c2 alive; do sleep 0.05; done

  start=$(now_ms)
  curl -sf -X PUT http://127.0.0.1:18501/v1/agent/service/register \
    -d '{"Name":"timing","Port":1,"Check":{"TTL":"60s"}}'
  registered_ms=$(until_true "$start" registered)

  start=$(now_ms)
  "$agent" leave -http-addr http://127.0.0.1:18501 >/dev/null
  left_ms=$(until_true "$start" gone c1)

  start=$(now_ms)
  pkill -KILL -f -- "-data-dir $work/c2"

  failed_ms=$(until_true "$start" member_is c2 failed)

  printf '%-4s %14s %12s %14s\n' "$run" "$registered_ms" "$left_ms" "$failed_ms"
  stop_agents
  while pgrep -f -- "-data-dir $work/" >/dev/null; do sleep 0.05; done
done
