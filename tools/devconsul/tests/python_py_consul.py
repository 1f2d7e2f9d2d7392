"""py-consul against the agent at HOST PORT: the calls a Python service makes.

Run by python_py_consul.rs; exits non-zero (with a traceback) on the first failure.
"""

import socket
import sys
import time

import consul

host, port = sys.argv[1], int(sys.argv[2])
c = consul.Consul(host=host, port=port)

# The agent answers as a leader.
assert c.status.leader(), "no leader"

# Register with a TTL check: py-consul sends lower-case keys ("name", "id", "check": {"ttl"}).
c.agent.service.register(
    "py-web", service_id="py-web-1", address="localhost", port=9001, tags=["py"],
    check=consul.Check.ttl("30s"),
)
assert "py-web-1" in c.agent.services(), c.agent.services()
index, nodes = c.health.service("py-web", passing=True)
assert nodes == [], f"critical until the first pass: {nodes}"

c.agent.check.ttl_pass("service:py-web-1", "all good")
index, nodes = c.health.service("py-web", passing=True)
assert [n["Service"]["ID"] for n in nodes] == ["py-web-1"], nodes
assert nodes[0]["Service"]["Port"] == 9001
outputs = [check["Output"] for check in nodes[0]["Checks"] if check["ServiceID"] == "py-web-1"]
assert outputs == ["all good"], f"the note becomes the output: {outputs}"
index, services = c.catalog.services()
assert services["py-web"] == ["py"], services

# A TCP check the agent probes; watched with blocking queries until it passes.
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
tcp_port = listener.getsockname()[1]
c.agent.service.register(
    "py-tcp", service_id="py-tcp-1", port=tcp_port,
    check=consul.Check.tcp("127.0.0.1", tcp_port, "1s"),
)
deadline = time.time() + 15
index = None
while True:
    index, nodes = c.health.service("py-tcp", passing=True, index=index, wait="2s")
    if nodes:
        break
    assert time.time() < deadline, "the TCP check never passed"

# KV: a missing key is (index, None), not "Missing index header".
index, value = c.kv.get("py/missing")
assert value is None and index, (index, value)
assert c.kv.put("py/greeting", "hello")
index, value = c.kv.get("py/greeting")
assert value["Value"] == b"hello", value

# Deregister: gone from the agent and from health.
c.agent.service.deregister("py-web-1")
c.agent.service.deregister("py-tcp-1")
assert c.agent.services() == {}, c.agent.services()
index, nodes = c.health.service("py-web")
assert nodes == [], nodes

print("py-consul: register, health, blocking watch, kv, deregister: ok")
