-- vmt's language server for Neovim's built-in LSP client (0.7 and later).
--
--   require("vmt").setup()                      -- runs `vmt lsp` from $PATH
--   require("vmt").setup({ cmd = { "/path/to/vmt", "lsp" } })
--
-- Buffers of filetype `vmt` (*.star, see ftdetect/vmt.vim) get one client
-- per project root. Users of nvim-lspconfig can use require("vmt.lspconfig")
-- instead; see editors/README.md.
local M = {}

M.defaults = {
  -- The command starting the server.
  cmd = { "vmt", "lsp" },
  -- Files or directories marking a project's root; without one, the
  -- script's directory is the root.
  root_markers = { "flake.nix", ".git" },
  -- Passed on to vim.lsp.start_client.
  on_attach = nil,
  capabilities = nil,
}

-- Clients by root directory, so that the scripts of a project share one.
local clients = {}

local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

local function attach(bufnr, opts)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local root = find_root(path, opts.root_markers) or vim.fn.fnamemodify(path, ":p:h")
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = "vmt",
      cmd = opts.cmd,
      root_dir = root,
      on_attach = opts.on_attach,
      capabilities = opts.capabilities,
    })
    if id == nil then
      vim.notify("vmt: could not start " .. table.concat(opts.cmd, " ")
        .. "; put vmt on $PATH or pass cmd to require('vmt').setup()", vim.log.levels.WARN)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  -- Neovim 0.7 leaves omnifunc alone: <C-x><C-o> completes from the server.
  vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", M.defaults, opts or {})
  local group = vim.api.nvim_create_augroup("vmt_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "vmt",
    callback = function(args)
      attach(args.buf, opts)
    end,
  })
  -- Scripts opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == "vmt" then
      attach(bufnr, opts)
    end
  end
end

return M
