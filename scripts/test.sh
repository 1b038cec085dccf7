#!/usr/bin/env bash
# Runs all of gridplan's tests: vet, then every Go test (unit, PostGIS,
# browser and GDAL client tests) against throwaway PostGIS clusters the
# tests start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
go vet ./...
go test -count=1 -timeout 45m ./...
