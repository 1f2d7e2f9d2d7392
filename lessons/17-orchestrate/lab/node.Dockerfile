# A node of the swarm: a Debian with its own Docker Engine (Debian's docker.io, 20.10), the
# iptables the engine drives for its networks, and Debian's image registry, which the same
# image runs as the lab's registry beside the nodes. `l17-orchestrate image` builds it on
# l14-base:bookworm (scripts/lab-base.sh makes it with debootstrap where Debian's image
# cannot be pulled), and `up` starts one container of it per node, its engine as its main
# process.
ARG BASE=l14-base:bookworm
FROM ${BASE}

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        docker.io docker-registry iptables ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# Each engine trusts the lab's registry over plain HTTP: it has no certificate, and it is
# reached only on the lab's own network, by the name `registry`.
COPY daemon.json /etc/docker/daemon.json
# The registry's configuration: Debian's, without its `auth: htpasswd` section.
COPY registry.yml /etc/lab/registry.yml

CMD ["dockerd"]
