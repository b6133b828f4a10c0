-- Headless Neovim (0.7+) as an LSP client of `pglint lsp --stdio`: diagnostics, hover with the chapter link,
-- and a code action applied through the editor's own code-action path.
-- Run by run-nvim-e2e.sh: nvim --headless --clean -c 'luafile nvim-e2e.lua' <project>/src/concat.ts
local function out(...) io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n') end
local errfile = vim.fn.tempname()
local function fail(msg)
  local f = io.open(errfile, 'r')
  local err = f and f:read('*a') or ''
  if f then f:close() end
  if err ~= '' then out('server stderr:\n' .. err) end
  out('NVIM E2E FAILED: ' .. msg); vim.cmd('cquit 1')
end
local function has(s, needle) return s ~= nil and s:find(needle, 1, true) ~= nil end

local cmdline = os.getenv('PGLINT_LSP_CMD') or 'node bin/pglint.js lsp --stdio'
-- through sh so the server's stderr lands in a file we can show when something fails
local cmd = { 'sh', '-c', 'exec ' .. cmdline .. ' 2>>' .. vim.fn.shellescape(errfile) }
local bufnr = vim.api.nvim_get_current_buf()
local fname = vim.api.nvim_buf_get_name(bufnr)
local root = vim.fn.fnamemodify(fname, ':p:h:h')
out('nvim', vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch, 'server:', cmdline)

local client_id = vim.lsp.start_client({ name = 'pglint', cmd = cmd, root_dir = root })
if not client_id then return fail('start_client returned nil') end
vim.lsp.buf_attach_client(bufnr, client_id)
if not vim.wait(20000, function() local c = vim.lsp.get_client_by_id(client_id); return c and c.initialized end, 50) then
  return fail('server did not initialize')
end

-- 1. diagnostics
local function pglint_diags()
  return vim.tbl_filter(function(d) return d.source == 'pglint' end, vim.diagnostic.get(bufnr))
end
if not vim.wait(20000, function() return #pglint_diags() >= 2 end, 50) then return fail('no pglint diagnostics') end
local first
for _, d in ipairs(pglint_diags()) do
  local code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code
  out(string.format('diagnostic %d:%d [%s] %s: %s', d.lnum + 1, d.col + 1, vim.diagnostic.severity[d.severity], tostring(code), d.message))
  if code == 'no-sql-concatenation' and not first then first = d end
end
if not first then return fail('no no-sql-concatenation diagnostic') end
local before = #pglint_diags()

-- 2. hover on the finding: the rule's docs and the chapter link
vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col + 2 })
local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(), 10000)
local hover = res and res[client_id] and res[client_id].result
local value = hover and hover.contents and hover.contents.value
if not has(value, 'no-sql-concatenation') or not has(value, '20-drivers-connexion-applicative/01.2-nodejs-node-postgres.md') then
  return fail('hover lacks the rule or its chapter link: ' .. vim.inspect(value))
end
out('hover:', (value:gsub('\n.*', '')))

-- 3. code action through vim.lsp.buf.code_action() (vim.ui.select stubbed to pick the parameterising fix)
local offered = {}
vim.ui.select = function(items, _, on_choice)
  for i, item in ipairs(items) do
    local action = item.action or item[2] or item
    table.insert(offered, action.title)
    if action.title == 'Use query parameters' then return on_choice(item, i) end
  end
  on_choice(nil, nil)
end
vim.lsp.buf.code_action()
local line = first.lnum
if not vim.wait(10000, function() return has(vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1], '$1') end, 50) then
  return fail('code action not applied; offered: ' .. vim.inspect(offered))
end
out('offered:', table.concat(offered, ' | '))
out('after fix:', vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1])
vim.cmd('write')

-- 4. the server saw the change: one finding fewer
if not vim.wait(10000, function() return #pglint_diags() == before - 1 end, 50) then
  return fail('diagnostic not cleared: ' .. #pglint_diags() .. ' left')
end
vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
out('NVIM E2E PASSED')
vim.cmd('qa!')
