#!/usr/bin/env bash
# Fetches the web faces' front-end libraries from npm at the pinned versions below and copies
# their built files into the server's resources, so nothing is fetched when a page is served.
# Run it to change a version; the copied files are committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENDOR=server/src/main/resources/web/assets/vendor
PACKAGES=(uplot@1.6.32 d3-array@3.2.4 d3-geo@3.1.1 topojson-client@3.1.0 world-atlas@2.0.2 i18n-iso-countries@7.14.0)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "${PACKAGES[@]}" >/dev/null)

unpack() { # package-version.tgz file-in-package destination
  tar xzf "$scratch/$1" -C "$scratch" "package/$2"
  mkdir -p "$(dirname "$VENDOR/$3")"
  cp "$scratch/package/$2" "$VENDOR/$3"
  rm -rf "$scratch/package"
}

rm -rf "$VENDOR"
mkdir -p "$VENDOR"
unpack uplot-1.6.32.tgz dist/uPlot.iife.min.js uPlot.iife.min.js
unpack uplot-1.6.32.tgz dist/uPlot.min.css uPlot.min.css
unpack d3-array-3.2.4.tgz dist/d3-array.min.js d3-array.min.js
unpack d3-geo-3.1.1.tgz dist/d3-geo.min.js d3-geo.min.js
unpack topojson-client-3.1.0.tgz dist/topojson-client.min.js topojson-client.min.js
# Country borders at 1:110m (Natural Earth, public domain), ids are ISO 3166-1 numeric codes.
unpack world-atlas-2.0.2.tgz countries-110m.json countries-110m.json
# ISO 3166-1 alpha-2 to numeric: devices name their country by alpha-2, the map by numeric.
unpack i18n-iso-countries-7.14.0.tgz codes.json iso-3166-codes.json
for package in uplot-1.6.32 d3-array-3.2.4 d3-geo-3.1.1 topojson-client-3.1.0 world-atlas-2.0.2 i18n-iso-countries-7.14.0; do
  unpack "$package.tgz" LICENSE "licenses/$package.LICENSE"
done
printf '%s\n' "${PACKAGES[@]}" > "$VENDOR/VERSIONS"
echo "vendored into $VENDOR:"
ls -la "$VENDOR"
