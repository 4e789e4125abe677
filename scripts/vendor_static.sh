#!/usr/bin/env bash
# Copy the pinned front-end packages from node_modules into xieshang/static/vendor (committed, so that running the
# platform needs no npm). Run after changing package.json: npm ci && scripts/vendor_static.sh
# NODE_MODULES=/elsewhere/node_modules reads the packages from another install.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${NODE_MODULES:-node_modules}
dest=xieshang/static/vendor
mkdir -p "$dest" "$dest/swagger-ui"
cp "$src/htmx.org/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$src/echarts/dist/echarts.min.js" "$dest/echarts.min.js"
# Swagger UI for /api/docs (xieshang/core/apidocs.py): the bundle and its stylesheet, without the source-map comments
# (the maps are not shipped, and the manifest storage would look for them), with the licence.
sed -e '/^\/\/# sourceMappingURL=/d' "$src/swagger-ui-dist/swagger-ui-bundle.js" > "$dest/swagger-ui/swagger-ui-bundle.js"
sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$src/swagger-ui-dist/swagger-ui.css" > "$dest/swagger-ui/swagger-ui.css"
cp "$src/swagger-ui-dist/LICENSE" "$dest/swagger-ui/LICENSE"
cp "$src/swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt" "$dest/swagger-ui/swagger-ui-bundle.js.LICENSE.txt"
for pkg in htmx.org echarts swagger-ui-dist; do
  printf '%s %s\n' "$pkg" "$(node -p "require('./$src/$pkg/package.json').version" 2>/dev/null || node -p "require('$src/$pkg/package.json').version")"
done > "$dest/VERSIONS"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
