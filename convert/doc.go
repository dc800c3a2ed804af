// Package convert turns NixOS test scripts written in Python into vmt
// scripts. Starlark is close to Python, so most lines pass through as they
// are; the converter rewrites, token by token, the Python that Starlark
// does not have (f-strings, `with subtest(...)`, `assert`, `raise`,
// imports, `is`, annotations, adjacent string literals) into what a
// vmt script writes instead, and leaves a `# vmt convert: ...` comment
// on each line it cannot translate, saying what to do. Comments, order,
// names and layout are kept.
//
// A Nix file is converted in place: the Python inside its testScript
// indented string is converted with every ${...} splice kept as it is,
// so the result is still a Nix file.
package convert
