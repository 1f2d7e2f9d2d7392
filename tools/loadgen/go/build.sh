# The Go baselines, built from Debian's packages: sourced by bench.sh and bench-tls.sh.
#
#   build_go_baselines TARGET REPO DIR...
#
# builds each DIR of tools/loadgen/go (netrpc-server, grpc-server, …) into
# TARGET/loadgen-go/bin, in GOPATH mode against Debian's Go sources under /usr/share/gocode,
# with the Greeter's Go code generated from the course's proto/hello.proto. Without Debian's
# Go, grpc-go, protobuf sources or the two protoc plugins, it says what to install and
# returns 1 (the caller leaves the Go rows out); see README.md here for why these packages.

go_packages="golang-go golang-google-grpc-dev golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc"

build_go_baselines() {
    local target=$1 repo=$2
    shift 2
    local gocode=/usr/share/gocode/src
    # wrappers.go came with github.com/golang/protobuf 1.4, the first that reads APIv2 messages.
    if ! command -v go >/dev/null || [ ! -d "$gocode/google.golang.org/grpc" ] \
        || [ ! -d "$gocode/google.golang.org/protobuf" ] \
        || [ ! -f "$gocode/github.com/golang/protobuf/proto/wrappers.go" ] || ! command -v protoc >/dev/null \
        || ! command -v protoc-gen-go >/dev/null || ! command -v protoc-gen-go-grpc >/dev/null; then
        echo "Go baselines skipped: apt-get install -y $go_packages" >&2
        return 1
    fi
    echo "building the Go baselines (GOPATH mode, Debian's grpc-go)..." >&2
    local gopath="$target/loadgen-go/gopath" bin="$target/loadgen-go/bin"
    local hello="$gopath/src/loadgen-go/hello" dir
    rm -rf "$gopath/src/loadgen-go"
    mkdir -p "$hello" "$bin"
    # coursetls, the course's certificates read once for every peer that speaks TLS.
    for dir in coursetls "$@"; do
        cp -r "$repo/tools/loadgen/go/$dir" "$gopath/src/loadgen-go/"
    done
    # hello.proto names no Go package: M says which, paths=source_relative puts the files
    # in hello/. The Go Greeter embeds no UnimplementedGreeterServer, as in the seed course.
    local go_package=Mhello.proto=loadgen-go/hello
    protoc -I "$repo/proto" \
        --go_out="$hello" --go_opt=paths=source_relative,"$go_package" \
        --go-grpc_out="$hello" \
        --go-grpc_opt=paths=source_relative,"$go_package",require_unimplemented_servers=false \
        "$repo/proto/hello.proto"
    (
        cd "$gopath/src/loadgen-go"
        for dir in "$@"; do
            GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" go build -o "$bin/$dir" "./$dir"
        done
    )
}
