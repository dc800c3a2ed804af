; vmt test scripts are Starlark, a subset of Python.
; inherits: python
