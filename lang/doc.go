// Package lang is vmt's symbol table: every global builtin, every module and
// every method of the script API, written once.
//
// The table is data, not behaviour. The runtime binds Go implementations to
// its entries, the linter checks calls against it, the language server
// completes and documents from it, and docs/api.md is generated from it.
// Adding a Machine method is one entry here plus one Go function in runtime.
//
// Two things besides the data live here so that every tool agrees: the
// rendering of an entry's documentation (Entry.Render, for vmt doc, hover,
// signature help, completion and docs/api.md) and the names the tools act
// on rather than look up (names.go: the Machine type, the `machine` alias,
// vlanN globals, create_machine and its arguments).
package lang

//go:generate go test -run ^TestAPIDocIsCurrent$ -update
