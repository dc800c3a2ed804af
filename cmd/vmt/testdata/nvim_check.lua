-- Driven by lsp_nvim_test.go: Neovim with editors/nvim on its runtimepath
-- opens a script, and this records what the user would see from
-- `vmt lsp` into a JSON file. Settings come from the environment:
-- VMT_BIN (the vmt binary), VMT_SCRIPT (the script), VMT_OUT (the report).
local report = { errors = {} }

local function fail(message)
  table.insert(report.errors, message)
end

local function first_result(responses)
  for _, response in pairs(responses or {}) do
    if response.error then
      fail(vim.inspect(response.error))
    elseif response.result then
      return response.result
    end
  end
  return nil
end

-- Position of the end of the first match of pattern, LSP style.
local function position_after(pattern)
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local s, e = line:find(pattern, 1, true)
    if s then
      return { line = lnum - 1, character = e }
    end
  end
  fail("pattern not found: " .. pattern)
  return { line = 0, character = 0 }
end

local function request(method, position)
  local params = { textDocument = vim.lsp.util.make_text_document_params(), position = position }
  local responses, err = vim.lsp.buf_request_sync(0, method, params, 10000)
  if err then
    fail(method .. ": " .. err)
  end
  return first_result(responses)
end

local function run()
  require("vmt").setup({ cmd = { os.getenv("VMT_BIN"), "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("VMT_SCRIPT")))
  report.filetype = vim.bo.filetype
  report.omnifunc = vim.bo.omnifunc
  if not vim.wait(10000, function() return #vim.lsp.buf_get_clients(0) > 0 end, 50) then
    fail("no LSP client attached to the script")
    return
  end

  local completion = request("textDocument/completion", position_after("machine."))
  local items = completion and (completion.items or completion) or {}
  report.completion = {}
  for _, item in ipairs(items) do
    table.insert(report.completion, item.label)
  end

  local hover = request("textDocument/hover", position_after("server.succ"))
  report.hover = hover and hover.contents and hover.contents.value or ""

  -- Diagnostics arrive as a notification after the server linted.
  vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(report.diagnostics, { line = d.lnum, message = d.message })
  end
end

local ok, err = pcall(run)
if not ok then
  fail(tostring(err))
end
local file = io.open(os.getenv("VMT_OUT"), "w")
file:write(vim.fn.json_encode(report))
file:close()
vim.cmd("qall!")
