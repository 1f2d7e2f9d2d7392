#!/usr/bin/env bash
# Makes ahead, while the course builds, what the labs' first runs would otherwise make on the
# suite's longest path (lesson 14's lab story, then lesson 17's swarm story, one after the
# other in the `docker-labs` group):
#
# 1. l14-base:bookworm, the Debian both labs build on (scripts/lab-base.sh: debootstrap, about
#    two minutes, mostly downloading);
# 2. the two images of lesson 17's swarm story (tests/swarm_lab/lab.rs), from
#    lessons/17-orchestrate/lab/: the nodes' (`l17-node-test`), whose layer that installs
#    Debian's Docker Engine is a minute of downloading and unpacking on a machine set up
#    today, and the course's (`l17-service-test`), whose layer installs Prometheus, without
#    the course's programs, which are not built yet.
#
# The story builds its images as ever: it finds these without their inputs' label
# (swarm/image.rs), builds again, and Docker takes every layer it can from this build's
# cache, in seconds. Chapter 17's own images (`l17-node`, `l17-service`: verify runs the
# chapter) take them too.
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

lab=lessons/17-orchestrate/lab
# ahead IMAGE DOCKERFILE FILE…: builds IMAGE from $lab/DOCKERFILE with a context holding
# FILEs (from $lab) and an empty bin/, as the story stages it but for the programs, unless
# IMAGE exists.
ahead() {
  local image=$1 dockerfile=$2
  shift 2
  if docker image inspect "$image" >/dev/null 2>&1; then
    say "$image exists"
    return
  fi
  local context
  context="$(mktemp -d "$target/lab-ahead.XXXXXX")"
  mkdir "$context/bin"
  for file in "$@"; do cp "$lab/$file" "$context/"; done
  say "docker build: $image, from $lab/$dockerfile (log: $log)"
  local built=0
  docker build --tag "$image" --file "$lab/$dockerfile" "$context" >>"$log" 2>&1 || built=$?
  rm -rf "$context"
  [ "$built" = 0 ] || { say "docker build of $image failed: $log says why"; exit "$built"; }
  say "made $image"
}

ahead l17-node-test node.Dockerfile daemon.json registry.yml
ahead l17-service-test service.Dockerfile
