// Package lint checks vmt test scripts against the symbol table of package
// lang before any VM boots. Each rule lives in its own file with its doc and
// its testdata.
package lint
