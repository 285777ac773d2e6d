#!/usr/bin/env bash
# Builds the PyTorch image the torch cluster tests (and anyone trying `--framework torch` here) run: Debian
# bookworm with Debian's python3-torch (no Python package index or image registry is reachable from the test
# machines), and examples/torch/ddp_train.py at /opt/corral/ddp_train.py. Prints the image's name.
# The root file system is made once with debootstrap (about 2 minutes, 1.6 GB) and kept in CORRAL_IMAGE_CACHE
# (default /var/tmp/corral-images); the image is named after what goes into it, so a changed example makes a new one.
# Needs debootstrap and podman (root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CACHE=${CORRAL_IMAGE_CACHE:-/var/tmp/corral-images}
ROOT=$CACHE/torch-bookworm
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
  # What a container does not need: package caches, documentation, manuals, translations.
  rm -rf "$ROOT.partial"/var/cache/apt/archives/*.deb "$ROOT.partial"/usr/share/doc "$ROOT.partial"/usr/share/man \
    "$ROOT.partial"/usr/share/locale
  mv "$ROOT.partial" "$ROOT"
fi
mkdir -p "$ROOT/opt/corral"
cp examples/torch/ddp_train.py "$ROOT/opt/corral/ddp_train.py"
tar -C "$ROOT" -c . | podman import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'WORKDIR /opt/corral' - "$IMAGE" >&2
echo "$IMAGE"
