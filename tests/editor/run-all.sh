#!/usr/bin/env bash
# Every real-editor check, for .ci/run: installs what is missing (cached in ~/.cache/pglint-editor, outside the checkout),
# then runs, in order: the packaged-extension test, the code-server UI test (screenshots into docs/images/),
# the extension-host suite in code-server, the @vscode/test-electron runner (skips without VS Code downloads),
# and Neovim through `pglint lsp --stdio`. Exit code: number of failed steps.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
"$ROOT/tests/editor/setup.sh" || exit 1
failed=0
step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name"
  if "$@"; then echo "=== $name: ok ($((SECONDS - t0)) s)"; else echo "=== $name: FAILED ($((SECONDS - t0)) s)"; failed=$((failed + 1)); fi
}
step "code-server UI (vsix installed)" tests/editor/run-code-server-e2e.sh
step "packaged server runs from the unzipped vsix" npx vitest run tests/lsp-package.test.ts
step "extension-host suite in code-server" tests/editor/run-code-server-ext-tests.sh
step "@vscode/test-electron" node tests/editor/run-test-electron.cjs
step "Neovim via pglint lsp --stdio" tests/editor/run-nvim-e2e.sh
echo "real-editor checks: $failed failed"
exit $failed
