" vmt test scripts are *.star files. `set filetype` rather than
" `setfiletype`: newer Neovims call *.star generic Starlark first.
autocmd BufRead,BufNewFile *.star set filetype=vmt
