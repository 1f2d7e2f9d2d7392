# What the tests need from the system, installed from the system's packages where it is
# missing: sourced by scripts/test.sh (the test command) and scripts/flaky.sh, so that both
# run on a machine set up today. Uses the caller's `step` to announce what it installs.
command -v step >/dev/null 2>&1 || step() { printf '\n==> %s\n' "$*"; }

# Two sets: what the build needs is installed now (protoc for lesson 11's etcd client,
# pkg-config and OpenSSL's headers); what only the tests need is installed in the background
# while cargo builds, so that its download and unpacking cost the build nothing, and
# `wait_for_test_needs` waits for it before the first test.
build_needs=()
command -v pkg-config >/dev/null 2>&1 || build_needs+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || build_needs+=(libssl-dev)
command -v protoc >/dev/null 2>&1 || build_needs+=(protobuf-compiler)

test_needs=()
command -v redis-server >/dev/null 2>&1 || test_needs+=(redis-server)
command -v python3 >/dev/null 2>&1 || test_needs+=(python3 python3-pip)
# Lesson 11: its tests start private etcd clusters on free ports. (On a machine that runs
# systemd, Debian's etcd-server also starts a system etcd on 2379/2380; the tests never use
# those ports.)
command -v etcd >/dev/null 2>&1 || test_needs+=(etcd-server)
# Chapter 11's sessions look at the cluster with etcdctl (Debian's etcd-client).
command -v etcdctl >/dev/null 2>&1 || test_needs+=(etcd-client)
# Lesson 12: its tests start private NATS servers (JetStream on) on free ports. Debian puts
# nats-server in /usr/sbin, which is not on every user's PATH; testkit looks there too.
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || test_needs+=(nats-server)

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
  # micro's test of the framework's TLS against grpc-go, configured as go-micro configures
  # it (micro/tests/tls_go.rs): Debian's Go, grpc-go and protobuf sources and the protoc
  # plugins that tools/loadgen/go/build.sh builds the Go peers with (its README says why
  # these packages).
  if ! command -v go >/dev/null 2>&1 || ! command -v protoc-gen-go-grpc >/dev/null 2>&1 ||
    [ ! -f /usr/share/gocode/src/github.com/golang/protobuf/proto/wrappers.go ]; then
    wanted+=(golang-go golang-google-grpc-dev golang-google-protobuf-dev
      golang-github-golang-protobuf-1-5-dev protoc-gen-go protoc-gen-go-grpc)
  fi
  # Lesson 14's lab test, where Docker runs: debootstrap makes its hosts' base image.
  if docker info >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || wanted+=(debootstrap)
  fi
fi

missing=("${build_needs[@]}" "${test_needs[@]}")
if [ ${#missing[@]} -gt 0 ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install them with your system's package manager, e.g." >&2
  echo "  brew install redis pkg-config openssl python3 etcd protobuf nats-server" >&2
  exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"; }

if [ $((${#missing[@]} + ${#wanted[@]})) -gt 0 ]; then
  $sudo apt-get update -qq
fi
if [ ${#build_needs[@]} -gt 0 ]; then
  step "Installing ${build_needs[*]} (the build needs them)"
  apt_install "${build_needs[@]}"
fi

# The tests' packages, py-consul (a second-language client for the Consul agent's tests),
# then the labs' images that need no build of the course: lesson 14's base image, which the
# labs' hosts and nodes are built on, made here with debootstrap (no image can be pulled in
# CI), two minutes, mostly downloading, and the Docker Engine layer of lesson 17's nodes'
# image, a minute more; the lab stories find them made (scripts/lab-ahead.sh; its log:
# target/lab-ahead.log).
install_test_needs() {
  if [ $((${#test_needs[@]} + ${#wanted[@]})) -gt 0 ]; then
    echo "installing ${test_needs[*]} ${wanted[*]}"
    if ! apt_install "${test_needs[@]}" "${wanted[@]}"; then
      echo "Could not install ${wanted[*]}: the checks that need them will say so and be skipped." >&2
      [ ${#test_needs[@]} -eq 0 ] || apt_install "${test_needs[@]}" || return 1
    fi
  fi
  if ! python3 -c 'import consul' >/dev/null 2>&1; then
    echo "installing py-consul"
    python3 -m pip install --quiet --disable-pip-version-check py-consul ||
      python3 -m pip install --quiet --disable-pip-version-check --break-system-packages py-consul
  fi
  if docker info >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "making the labs' images ahead in the background (scripts/lab-ahead.sh)"
    scripts/lab-ahead.sh >/dev/null 2>&1 &
  fi
}
mkdir -p "${CARGO_TARGET_DIR:-target}"
test_needs_log="${CARGO_TARGET_DIR:-target}/test-needs.log"
step "Installing what the tests need, in the background (its log: $test_needs_log)"
install_test_needs >"$test_needs_log" 2>&1 &
test_needs_pid=$!

# Waits for the tests' packages; says what went wrong, and fails, if they did not install.
wait_for_test_needs() {
  if ! wait "$test_needs_pid"; then
    cat "$test_needs_log" >&2
    echo "the tests' packages did not install (above)" >&2
    return 1
  fi
}
