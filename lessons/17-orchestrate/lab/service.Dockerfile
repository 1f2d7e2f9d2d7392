# The course's services as the swarm runs them: lesson 11's program (`l11-micro`: the
# captcha and user services, and `api`, the gateway), etcd and etcdctl (the registry's
# members), Redis (the captcha's codes), and two scripts of the stack's: `serve` starts a
# service on the replica's own address on the stack's network, `ready` is its health check.
# `l17-orchestrate image` builds it from a staging folder holding bin/; `up` pushes it to
# the lab's registry, from which every node pulls it.
ARG BASE=l14-base:bookworm
FROM ${BASE}

# Only what the base lacks: on l14-base, Redis (its server and redis-cli).
RUN missing=""; \
    for program in etcd etcdctl redis-server redis-cli curl ip; do \
        command -v "$program" >/dev/null || missing="$missing $program"; \
    done; \
    if [ -n "$missing" ]; then \
        echo "missing:$missing; installing from Debian" \
        && apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            etcd-server etcd-client redis-server iproute2 curl ca-certificates libssl3 \
        && rm -rf /var/lib/apt/lists/*; \
    fi

COPY bin/ /usr/local/bin/
