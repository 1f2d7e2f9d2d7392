"""Calls the lesson's server from Python's standard library: a second language, no packages.

    python3 tests/python_client.py TCP_ADDR HTTP_ADDR

Exits 0 when every call got the reply it should, else prints what went wrong and exits 1.
"""
import json
import socket
import sys
import urllib.request


def expect(what, got, want):
    if got != want:
        sys.exit(f"{what}: expected {want!r}, got {got!r}")
    print(f"ok  {what}: {got!r}")


def main():
    tcp_host, tcp_port = sys.argv[1].rsplit(":", 1)
    http_addr = sys.argv[2]

    # ANCHOR: tcp
    with socket.create_connection((tcp_host, int(tcp_port)), timeout=5) as sock:
        lines = sock.makefile("rwb")

        def call(request):
            lines.write(json.dumps(request).encode() + b"\n")
            lines.flush()
            return json.loads(lines.readline())

        reply = call({"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": ["python"], "id": 1})
        expect("hello.HelloWorld by position", reply["result"], "python hello world")
        # ANCHOR_END: tcp

        reply = call({"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": {"name": "py"}, "id": "two"})
        expect("hello.HelloWorld by name", (reply["result"], reply["id"]), ("py hello world", "two"))

        reply = call({"jsonrpc": "2.0", "method": "arith.Add", "params": {"a": 40, "b": 2}, "id": 3})
        expect("arith.Add", reply["result"], 42)

        reply = call({"jsonrpc": "2.0", "method": "no.Such", "id": 4})
        expect("unknown method", reply["error"]["code"], -32601)

        lines.write(b'{"jsonrpc": "2.0", "method"\n')
        lines.flush()
        expect("malformed JSON", json.loads(lines.readline())["error"]["code"], -32700)

        batch = [
            {"jsonrpc": "2.0", "method": "arith.Add", "params": {"a": 1, "b": 2}, "id": 5},
            {"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": ["batch"], "id": 6},
        ]
        replies = call(batch)
        expect("batch", sorted((r["id"], r["result"]) for r in replies), [(5, 3), (6, "batch hello world")])

        reply = call({"method": "hello.HelloWorld", "params": ["v1"], "id": 7})
        expect("JSON-RPC 1.0", reply, {"id": 7, "result": "v1 hello world", "error": None})

    # ANCHOR: http
    body = {"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": ["http"], "id": 8}
    request = urllib.request.Request(
        f"http://{http_addr}/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        reply = json.load(response)
    expect("hello.HelloWorld over HTTP", reply["result"], "http hello world")
    # ANCHOR_END: http


if __name__ == "__main__":
    main()
