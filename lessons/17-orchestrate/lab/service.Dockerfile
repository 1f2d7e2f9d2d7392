# The course's services as the swarm runs them: lesson 11's program (`l11-micro`: the
# captcha and user services, and `api`, the gateway), etcd and etcdctl (the registry's
# members), Redis (the captcha's codes), Prometheus (lesson 15's metrics), and three scripts
# of the stack's: `serve` starts a service on the replica's own address on the stack's
# network, `ready` is its health check, `metrics` starts Prometheus. `l17-orchestrate image`
# builds it from a staging folder holding bin/; `up` pushes it to the lab's registry, from
# which every node pulls it.
ARG BASE=l14-base:bookworm
FROM ${BASE}

# Only what the base lacks, each program from its Debian package: on l14-base, Redis (its
# server and redis-cli) and Prometheus. policy-rc.d says no to the packages' wish to start
# their daemons as they install: an image runs nothing until a container of it does.
#
# Prometheus's graph page loads one file of moment-timezone (`moment-timezone-with-data`),
# and Debian's package of it brings the time zones of every release besides, as JSON: about
# 200 MB of the image's 730, which `up` pushes to the lab's registry and every node pulls.
# They go, and the page still works.
RUN packages=""; \
    for wanted in etcd:etcd-server etcdctl:etcd-client redis-server:redis-server \
        redis-cli:redis-tools curl:curl ip:iproute2 prometheus:prometheus; do \
        command -v "${wanted%%:*}" >/dev/null || packages="$packages ${wanted#*:}"; \
    done; \
    if [ -n "$packages" ]; then \
        echo "installing from Debian:$packages" \
        && printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d \
        && chmod +x /usr/sbin/policy-rc.d \
        && apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
            $packages ca-certificates libssl3 \
        && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \
            /usr/share/javascript/moment-timezone/data; \
    fi

COPY bin/ /usr/local/bin/
