#!/usr/bin/env bash
# Serves the demo district on the embedded PostGIS: builds gridplan, loads
# the demo on first run, and serves the API and map (default
# http://127.0.0.1:8080/map/; set GRIDPLAN_ADDR to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh run
go build -o bin/gridplan ./cmd/gridplan
exec bin/gridplan serve --demo "$@"
