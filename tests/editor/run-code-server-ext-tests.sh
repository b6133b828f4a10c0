#!/usr/bin/env bash
# The @vscode/test-electron suite (suite/extension.test.cjs), run in code-server's real extension host: the
# extension is loaded from the repository (dist/ built), on a copy of tests/lsp-fixture.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/tests/editor/setup.sh"
PORT=${PORT:-$((19000 + RANDOM % 1000))}
export TMPDIR=$CACHE/tmp; mkdir -p "$TMPDIR"
rm -rf "$TMPDIR"/ext-* 2>/dev/null || true   # keep only the last run's logs
RUN=$(mktemp -d "$TMPDIR/ext-XXXX")
export XDG_DATA_HOME=$RUN/xdg-data XDG_CONFIG_HOME=$RUN/xdg-config XDG_CACHE_HOME=$RUN/xdg-cache
WS=$RUN/ws; mkdir -p "$WS" "$RUN/ud/User"
cp -r "$ROOT/tests/lsp-fixture/." "$WS/"
echo '{"workbench.startupEditor":"none","security.workspace.trust.enabled":false,"telemetry.telemetryLevel":"off","update.mode":"none","extensions.autoCheckUpdates":false,"chat.disableAIFeatures":true,"git.enabled":false,"pglint.docs.language":"en"}' > "$RUN/ud/User/settings.json"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"
(cd "$ROOT" && npm run -s build)
PATH=$NODE24:$PATH setsid "$CS" --config "$RUN/config.yaml" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --ignore-last-opened \
  --vscode-option enable-smoke-test-driver >"$RUN/code-server.log" 2>&1 &
CSPID=$!
trap 'kill -- -$CSPID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
rc=0
NODE_PATH=$ROOT/node_modules node "$ROOT/tests/editor/ext-tests-driver.cjs" "http://127.0.0.1:$PORT" "$WS" "$ROOT" "$ROOT/tests/editor/suite/extension.test.cjs" || rc=$?
echo "logs in $RUN"
exit $rc
