#!/usr/bin/env bash
# Real-editor test: package the .vsix, install it into a throwaway code-server 4.139.1 profile, open a copy of
# tests/lsp-fixture, and check (playwright-core + Debian chromium) a squiggle in the Problems view, the hover with
# its chapter link, and a quick fix that changes the file. Screenshots: docs/images/vscode-*.png.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/tests/editor/setup.sh"
PORT=${PORT:-$((18000 + RANDOM % 1000))}
SHOTS=${SHOTS:-$ROOT/docs/images}

export TMPDIR=$CACHE/tmp; mkdir -p "$TMPDIR"
rm -rf "$TMPDIR"/run-* 2>/dev/null || true   # keep only the last run's logs
RUN=$(mktemp -d "$TMPDIR/run-XXXX")
export XDG_DATA_HOME=$RUN/xdg-data XDG_CONFIG_HOME=$RUN/xdg-config XDG_CACHE_HOME=$RUN/xdg-cache
WS=$RUN/ws; mkdir -p "$WS" "$RUN/ud/User"
cp -r "$ROOT/tests/lsp-fixture/." "$WS/"
sed -i -E 's# // expect: [a-z, -]+$##' "$WS"/src/*.ts   # the fixture's test annotations would clutter the screenshots
cat > "$RUN/ud/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off",
  "update.mode": "none", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false, "workbench.tips.enabled": false,
  "workbench.enableExperiments": false, "chat.disableAIFeatures": true, "git.enabled": false, "editor.hover.delay": 150,
  "editor.minimap.enabled": false, "editor.wordWrap": "on", "workbench.secondarySideBar.defaultVisibility": "hidden",
  "workbench.auxiliaryBar.visible": false, "pglint.docs.language": "en", "workbench.colorTheme": "Default Light Modern" }
JSON
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" > "$RUN/config.yaml"

(cd "$ROOT" && npm run -s package)
VSIX=$ROOT/$(node -p "const p=require('$ROOT/package.json'); p.name+'-'+p.version+'.vsix'")
CSARGS=(--config "$RUN/config.yaml" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts")
PATH=$NODE24:$PATH "$CS" "${CSARGS[@]}" --install-extension "$VSIX" >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }
PATH=$NODE24:$PATH setsid "$CS" "${CSARGS[@]}" --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened "$WS" >"$RUN/code-server.log" 2>&1 &
CSPID=$!
trap 'kill -- -$CSPID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

rc=0
NODE_PATH=$ROOT/node_modules node "$ROOT/tests/editor/code-server-e2e.cjs" "http://127.0.0.1:$PORT" "$WS" "$SHOTS" || rc=$?
if [[ $rc -ne 0 ]]; then
  echo "--- pglint output (extension host logs) ---"
  find "$RUN/ud/logs" -name '*pglint*' -exec tail -40 {} \; 2>/dev/null || true
fi
echo "logs in $RUN"
exit $rc
