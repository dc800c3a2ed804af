" vmt test scripts are Starlark, whose syntax is a subset of Python's:
" Python's highlighting serves. Names of builtins come from the language
" server (hover, completion), not from a list kept here.
if exists("b:current_syntax")
  finish
endif

runtime! syntax/python.vim
unlet! b:current_syntax

" The `# vmt: machines=a,b` directive comment.
syntax match vmtDirective "#\s*vmt:.*$" containedin=pythonComment
highlight default link vmtDirective PreProc

let b:current_syntax = "vmt"
