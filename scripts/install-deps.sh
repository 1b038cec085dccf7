#!/usr/bin/env bash
# Installs what gridplan needs beyond Go and PostgreSQL 15 on Debian 12.
#   scripts/install-deps.sh run   - PostGIS, and GDAL's tools for Shapefile/GeoPackage/CSV import and export
#   scripts/install-deps.sh test  - also pgRouting, Chromium and Node for the tests
# Packages already present are left alone, so repeated runs are quick.
set -euo pipefail
cd "$(dirname "$0")/.."

# zlib1g-dev: the OSM PBF reader compiles zlib bindings when cgo is on.
# gdal-bin: ogr2ogr, ogrinfo and gdalsrsinfo read and write Shapefiles,
# GeoPackages and CSV for import and export.
packages=(postgresql-15-postgis-3 zlib1g-dev gdal-bin)
if [ "${1:-run}" = test ]; then
  # fonts-wqy-microhei: Chinese text for the map's labels and interface
  # in headless Chromium (its screenshots would show boxes without it);
  # fonts-open-sans: the font web/glyphgen draws the bundled Latin glyphs from.
  packages+=(postgresql-15-pgrouting chromium fonts-wqy-microhei fonts-open-sans)
  # A working node and npm from elsewhere (nvm, NodeSource) will do.
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
