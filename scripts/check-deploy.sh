#!/usr/bin/env bash
# Checks what `sam deploy` would ship: lints template.yaml with cfn-lint and
# `sam validate --lint`, builds every function with `sam build` for x86_64,
# and prints each zipped bootstrap's size.
#
#   bash scripts/check-deploy.sh [ARCHITECTURE]   # x86_64 (default) or arm64
set -euo pipefail
cd "$(dirname "$0")/.."

architecture="${1:-x86_64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neonpanel-mcp/target}"
export SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
source scripts/tools.sh
export PATH="$NEONPANEL_TOOLS_VENV/bin:$PATH"

# Both linters work offline; as root they run without any network to prove it.
offline=()
if [ "$(id -u)" = "0" ] && unshare --net true 2>/dev/null; then
  offline=(unshare --net)
fi
"${offline[@]}" cfn-lint template.yaml
"${offline[@]}" sam validate --lint --region us-east-1

sam build --parameter-overrides "Architecture=$architecture"

python3 - <<'PY'
import io, os, zipfile
for function in ["Metadata", "Registration", "Authorize", "Token", "Mcp"]:
    path = f".aws-sam/build/{function}Function/bootstrap"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, "bootstrap")
    print(f"{function}Function: bootstrap {os.path.getsize(path) / 1e6:.1f} MB, zipped {len(buffer.getvalue()) / 1e6:.2f} MB")
PY
