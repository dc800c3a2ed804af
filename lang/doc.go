// Package lang is vmt's symbol table: every global builtin, every module and
// every method of the script API, written once.
//
// The table is data, not behaviour. The runtime binds Go implementations to
// its entries, the linter checks calls against it, the language server
// completes and documents from it, and docs/api.md is generated from it.
// Adding a Machine method is one entry here plus one Go function in runtime.
package lang

//go:generate go test -run ^TestAPIDocIsCurrent$ -update
