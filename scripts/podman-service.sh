#!/usr/bin/env bash
# Starts Podman's Docker-compatible API service on /run/podman/podman.sock if it is not answering:
# the container engine the worker agent and the container tests use where no Docker Engine runs.
# Needs podman, runc and (for the tests' image) busybox-static; run as root.
set -euo pipefail

SOCKET=/run/podman/podman.sock
CONF=/etc/containers/containers.conf

answers() {
  curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

if answers; then
  exit 0
fi
if [ ! -f "$CONF" ]; then
  # runc and cgroupfs work inside the CI's container without systemd; no ulimits the sandbox may refuse.
  mkdir -p "$(dirname "$CONF")"
  cat > "$CONF" <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi
mkdir -p "$(dirname "$SOCKET")"
nohup podman system service --time=0 "unix://$SOCKET" >/var/log/podman-service.log 2>&1 &
for _ in $(seq 1 30); do
  answers && exit 0
  sleep 1
done
echo "podman's service did not answer on $SOCKET; see /var/log/podman-service.log" >&2
exit 1
