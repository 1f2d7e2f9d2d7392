#!/usr/bin/env bash
# The workbook's test command, for CI and for people.
#
# 1. Installs what the tests need from the system's packages when it is missing
#    (redis-server, OpenSSL headers, pkg-config, Python's py-consul client, for lesson
#    11 etcd, etcdctl and protoc, for lesson 12 nats-server; Chromium and a CJK font for the browser check).
# 2. Checks formatting and lints, for the learner's stubs and for the solutions.
# 3. Runs the tools' own tests and every lesson's tests with the solutions switched in.
# 4. Runs `workbook-dev verify` (the maintainers' checks): every exercise fails on its stub and passes on its solution,
#    every exercise has a hint and a TODO, and every book include resolves.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# --- what the tests need from the system ----------------------------------------------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
# Lesson 11: its tests start private etcd clusters on free ports, and its etcd client is
# built with protoc. (On a machine that runs systemd, Debian's etcd-server also starts a
# system etcd on 2379/2380; the tests never use those ports.)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
# Chapter 11's sessions look at the cluster with etcdctl (Debian's etcd-client).
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
# Lesson 12: its tests start private NATS servers (JetStream on) on free ports. Debian puts
# nats-server in /usr/sbin, which is not on every user's PATH; testkit looks there too.
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)

if [ ${#missing[@]} -gt 0 ]; then
  step "Installing ${missing[*]}"
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  else
    echo "Missing: ${missing[*]}. Install them with your system's package manager, e.g." >&2
    echo "  brew install redis pkg-config openssl python3 etcd protobuf nats-server" >&2
    exit 1
  fi
fi

# Headless Chromium and its WebDriver, for verify's check of the book's pages. Where they
# cannot be installed, verify says so and skips that check.
# A CJK font, so that the pages' Chinese text is drawn as characters and not as boxes.
if command -v apt-get >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  step "Installing fonts-noto-cjk (the book's Chinese text, in the browser check)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-noto-cjk; } ||
    echo "fonts-noto-cjk could not be installed: Chinese text may show as boxes." >&2
fi

if ! command -v chromedriver >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  step "Installing chromium chromium-driver (verify checks the book's pages in a browser)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver; } ||
    echo "Chromium could not be installed: verify will skip the browser check." >&2
fi

# pdftotext reads the printed book back (the runner's test of `bundle`'s PDF).
if ! command -v pdftotext >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  step "Installing poppler-utils (the test of the printed book reads its text)"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq poppler-utils; } ||
    echo "poppler-utils could not be installed: the PDF's text check will be skipped." >&2
fi

if ! python3 -c 'import consul' >/dev/null 2>&1; then
  step "Installing py-consul (a second-language client for the Consul agent's tests)"
  python3 -m pip install --quiet --disable-pip-version-check py-consul ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages py-consul
fi

# --- the build's footprint ------------------------------------------------------------------
# A one-off build gains nothing from incremental caches or debug info, and both cost disk
# (a clean build of the workspace's tests is about half the size without them). People
# running this script keep their usual settings, so it reuses their builds.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
fi
df -h . | awk 'NR == 2 { print "disk: " $4 " free on " $6 }'

# --- formatting and lints -------------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (the learner's stubs)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "cargo clippy (the solutions)"
cargo clippy --locked --workspace --all-targets --all-features -- -D warnings

# --- tests ----------------------------------------------------------------------------------
step "cargo test (tools, and every lesson with its solutions)"
cargo test --locked --workspace --all-features

step "workbook-dev verify (stubs fail, solutions pass, hints, TODOs, book includes, pages)"
# `browser-check` adds the check of the book's pages in headless Chromium.
cargo run --locked --quiet -p workbook-dev --features browser-check -- verify

du -sh target 2>/dev/null | awk '{ print "target/: " $1 }'
