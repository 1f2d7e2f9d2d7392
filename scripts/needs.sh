# What the tests need from the system, installed from the system's packages where it is
# missing: sourced by scripts/test.sh (the test command) and scripts/flaky.sh, so that both
# run on a machine set up today. Uses the caller's `step` to announce what it installs.
command -v step >/dev/null 2>&1 || step() { printf '\n==> %s\n' "$*"; }

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

# What only some checks need: where it cannot be installed, that check says so and is skipped.
# Headless Chromium and its WebDriver, for verify's check of the book's pages; a CJK font,
# so that the pages' Chinese text is drawn as characters and not as boxes; pdftotext, which
# reads the printed book back (the runner's test of `bundle`'s PDF).
wanted=()
if command -v apt-get >/dev/null 2>&1; then
  command -v chromedriver >/dev/null 2>&1 || wanted+=(chromium chromium-driver)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || wanted+=(fonts-noto-cjk)
  command -v pdftotext >/dev/null 2>&1 || wanted+=(poppler-utils)
  # Lesson 15 and micro's metrics: a real Prometheus scrapes the services, promtool lints
  # their /metrics (Debian's prometheus package has both).
  command -v promtool >/dev/null 2>&1 || wanted+=(prometheus)
  # Lesson 14's lab test, where Docker runs: debootstrap makes its hosts' base image.
  if docker info >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || wanted+=(debootstrap)
  fi
fi

if [ ${#missing[@]} -gt 0 ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install them with your system's package manager, e.g." >&2
  echo "  brew install redis pkg-config openssl python3 etcd protobuf nats-server" >&2
  exit 1
fi
# Everything in one apt-get call: one index update, one resolution, one download.
if [ $((${#missing[@]} + ${#wanted[@]})) -gt 0 ]; then
  step "Installing ${missing[*]} ${wanted[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    "${missing[@]}" "${wanted[@]}"; then
    echo "Could not install ${wanted[*]}: the checks that need them will say so and be skipped." >&2
    [ ${#missing[@]} -eq 0 ] ||
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
fi

if ! python3 -c 'import consul' >/dev/null 2>&1; then
  step "Installing py-consul (a second-language client for the Consul agent's tests)"
  python3 -m pip install --quiet --disable-pip-version-check py-consul ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages py-consul
fi

# Lesson 14's lab builds its hosts on a base image made here with debootstrap (no image can
# be pulled in CI): two minutes, mostly downloading, so it starts now, in the background,
# and the lab's test waits for it (scripts/lab-base.sh; its log: target/lab-base.log).
if docker info >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] &&
  ! docker image inspect l14-base:bookworm >/dev/null 2>&1; then
  echo "making lesson 14's base image in the background (scripts/lab-base.sh)"
  scripts/lab-base.sh >/dev/null 2>&1 &
fi

