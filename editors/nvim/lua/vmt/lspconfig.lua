-- Registers vmt with nvim-lspconfig, for those who manage their servers
-- with it:
--
--   require("vmt.lspconfig").register()
--   require("lspconfig").vmt.setup({})   -- options as for any lspconfig server
local M = {}

function M.register()
  local configs = require("lspconfig.configs")
  local util = require("lspconfig.util")
  if configs.vmt then
    return
  end
  configs.vmt = {
    default_config = {
      cmd = { "vmt", "lsp" },
      filetypes = { "vmt" },
      root_dir = util.root_pattern("flake.nix", ".git"),
      single_file_support = true,
    },
    docs = {
      description = "vmt lsp: completion, hover, signature help and diagnostics for vmt test scripts (*.star).",
    },
  }
end

return M
