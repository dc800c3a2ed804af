// Package lsp is vmt's language server: completion, hover, signature help,
// go to definition, document symbols, diagnostics and quick fixes for test
// scripts.
//
// Everything it knows about the script API comes from package lang; it
// reads a script with package analysis (the repaired syntax tree, the
// machines, the inferred types: the reading vmt lint and vmt run share),
// and its diagnostics are package lint's findings. One file per LSP
// feature.
//
// The server runs on github.com/tliron/glsp, which serves requests one at a
// time: handlers stay fast, and diagnostics are published from their own
// goroutine, never from inside a handler.
package lsp
