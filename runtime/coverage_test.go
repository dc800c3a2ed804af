package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// Every global, module function and method of the table is used by at
// least one testdata case, so that the real-guest harness covers it.
func TestEveryEntryHasAScriptCase(t *testing.T) {
	used := map[string]bool{}
	files, _ := filepath.Glob("testdata/*.star")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		// Cases are parsed one by one: some hold deliberate syntax errors.
		for _, chunk := range strings.Split(string(src), "\n---\n") {
			f, err := lang.FileOptions().Parse(file, chunk, 0)
			if err != nil {
				continue
			}
			syntax.Walk(f, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.Ident:
					used[n.Name] = true
				case *syntax.DotExpr:
					used["."+n.Name.Name] = true
				}
				return true
			})
		}
	}
	for _, e := range lang.Default.Entries() {
		if e.Type != nil && e.Owner == nil {
			continue // a type is covered through its members
		}
		if e.Owner == nil && strings.ContainsAny(e.Path, "<>") {
			continue // per-test patterns, covered by the machines and vlans of the cases
		}
		name := e.Path
		if e.Owner != nil {
			name = "." + strings.TrimPrefix(e.Path, e.Owner.Name+".")
		}
		if !used[name] {
			t.Errorf("%s is used by no testdata/*.star case", e.Path)
		}
	}
}
