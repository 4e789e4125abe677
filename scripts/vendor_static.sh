#!/usr/bin/env bash
# Copy the pinned front-end packages from node_modules into xieshang/static/vendor (committed, so that running the
# platform needs no npm). Run after changing package.json: npm ci && scripts/vendor_static.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dest=xieshang/static/vendor
mkdir -p "$dest"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts.min.js"
for pkg in htmx.org echarts; do
  printf '%s %s\n' "$pkg" "$(node -p "require('./node_modules/$pkg/package.json').version")"
done > "$dest/VERSIONS"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
