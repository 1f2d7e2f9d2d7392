#!/usr/bin/env bash
# Makes ahead, while the course builds, what the labs' first runs would otherwise make on the
# suite's longest path (lesson 14's lab story, then lesson 17's swarm story, one after the
# other in the `docker-labs` group):
#
# 1. l14-base:bookworm, the Debian both labs build on (scripts/lab-base.sh: debootstrap, about
#    two minutes, mostly downloading);
# 2. the nodes' image of lesson 17's swarm story (`l17-node-test`, tests/swarm_lab/lab.rs),
#    from lessons/17-orchestrate/lab/node.Dockerfile: its layer that installs Debian's Docker
#    Engine is a minute of downloading and unpacking on a machine set up today.
#
# The story builds its image as ever: it finds this one without its inputs' label
# (swarm/image.rs), builds again, and Docker takes every layer from this build's cache, in
# seconds. Chapter 17's own image (`l17-node`, verify runs the chapter) takes them too.
#
# scripts/needs.sh starts this in the background; its log is target/lab-ahead.log. It is
# idempotent: what exists is kept. Needs root (debootstrap) and a Docker daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
log="$target/lab-ahead.log"
say() { echo "$*"; echo "$*" >>"$log"; }

scripts/lab-base.sh

node_image=l17-node-test
if docker image inspect "$node_image" >/dev/null 2>&1; then
  say "$node_image exists"
  exit 0
fi
lab=lessons/17-orchestrate/lab
# The build's context, as the story stages it: the two files the Dockerfile copies.
context="$(mktemp -d "$target/lab-ahead.XXXXXX")"
trap 'rm -rf "$context"' EXIT
cp "$lab/daemon.json" "$lab/registry.yml" "$context/"
say "docker build: $node_image, from $lab/node.Dockerfile (log: $log)"
docker build --tag "$node_image" --file "$lab/node.Dockerfile" "$context" >>"$log" 2>&1
say "made $node_image"
