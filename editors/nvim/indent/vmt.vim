" Starlark indents like Python.
if exists("b:did_indent")
  finish
endif
runtime! indent/python.vim
