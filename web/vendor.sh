#!/usr/bin/env bash
# Re-vendors the graph-drawing library the web view embeds (src/serve/assets.rs), from the
# npm registry at the pinned version, with its licence. Run from anywhere; needs npm.
#   web/vendor.sh            # fetch CYTOSCAPE_VERSION below
# To move to another version, change CYTOSCAPE_VERSION, run this, and commit web/vendor/.
set -euo pipefail
CYTOSCAPE_VERSION=3.35.0
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "cytoscape@$CYTOSCAPE_VERSION" >/dev/null && tar -xzf "cytoscape-$CYTOSCAPE_VERSION.tgz")
cp "$work/package/dist/cytoscape.min.js" vendor/cytoscape.min.js
cp "$work/package/LICENSE" vendor/cytoscape.LICENSE
echo "cytoscape $CYTOSCAPE_VERSION (npm), MIT licence: see cytoscape.LICENSE" > vendor/README
echo "vendored cytoscape $CYTOSCAPE_VERSION into $(pwd)/vendor"
