#!/usr/bin/env bash
# Any-editor check: headless Neovim talks to `pglint lsp --stdio` (override with PGLINT_LSP_CMD) on a copy of
# tests/lsp-fixture: diagnostics, hover with the chapter link, a code action applied and saved.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v nvim >/dev/null || "$ROOT/tests/editor/setup.sh" --no-code-server
[[ -f $ROOT/dist/cli.js && -f $ROOT/dist/server.js ]] || (cd "$ROOT" && npm run -s build)
D=$(mktemp -d); trap 'rm -rf "$D"' EXIT
cp -r "$ROOT/tests/lsp-fixture/." "$D/"
export PGLINT_LSP_CMD=${PGLINT_LSP_CMD:-node $ROOT/bin/pglint.js lsp --stdio}
rc=0
(cd "$ROOT" && timeout 120 nvim --headless --clean -c "luafile $ROOT/tests/editor/nvim-e2e.lua" "$D/src/concat.ts") || rc=$?
echo "file on disk, line 4: $(sed -n 4p "$D/src/concat.ts")"
exit $rc
