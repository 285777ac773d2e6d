#!/usr/bin/env bash
# Builds the PyTorch image the torch cluster tests (and anyone trying `--framework torch` here) run: Debian
# bookworm with Debian's python3-torch, Jupyter (python3-notebook) and an SSH server (dropbear) (no Python package
# index or image registry is reachable from the test machines), and examples/torch/ddp_train.py at
# /opt/corral/ddp_train.py. Prints the image's name.
# The root file system is made once with debootstrap and apt (about 3 minutes, 1.9 GB) and kept in
# CORRAL_IMAGE_CACHE (default /var/tmp/corral-images); the image is named after what goes into it, so a changed
# example makes a new one.
# Needs debootstrap and podman (root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CACHE=${CORRAL_IMAGE_CACHE:-/var/tmp/corral-images}
ROOT=$CACHE/torch-bookworm
# Installed with apt in the root debootstrap made: debootstrap's own resolver cannot choose among virtual packages.
EXTRA="python3-notebook dropbear-bin"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TAG=$(cat scripts/torch-image.sh examples/torch/ddp_train.py | sha256sum | cut -c1-12)
IMAGE=localhost/corral/torch:$TAG

if podman image exists "$IMAGE"; then
  echo "$IMAGE"
  exit 0
fi
if [ ! -x "$ROOT/usr/bin/python3" ]; then
  rm -rf "$ROOT.partial"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase --include=python3-torch bookworm "$ROOT.partial" "$MIRROR" >&2
  mv "$ROOT.partial" "$ROOT"
fi
if [ "$(cat "$ROOT/.corral-extra" 2>/dev/null)" != "$EXTRA" ]; then
  chroot "$ROOT" apt-get update -qq >&2
  # shellcheck disable=SC2086 # one word per package
  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $EXTRA >&2
  chroot "$ROOT" apt-get clean
  echo "$EXTRA" > "$ROOT/.corral-extra"
fi
# What a container does not need: documentation, manuals, translations.
rm -rf "$ROOT"/usr/share/doc "$ROOT"/usr/share/man "$ROOT"/usr/share/locale
mkdir -p "$ROOT/opt/corral"
cp examples/torch/ddp_train.py "$ROOT/opt/corral/ddp_train.py"
tar -C "$ROOT" --exclude=./.corral-extra -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'WORKDIR /opt/corral' - "$IMAGE" >&2
echo "$IMAGE"
