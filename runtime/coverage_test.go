package runtime

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// Every global, module function and method of the table is used by at
// least one testdata case, so that the real-guest harness covers it. A
// member counts where its receiver's type is known to be its owner
// (Match.start is not covered by machine.start()).
func TestEveryEntryHasAScriptCase(t *testing.T) {
	used := map[string]bool{}
	files, _ := filepath.Glob("testdata/*.star")
	for _, file := range files {
		for _, c := range readCases(t, file) {
			machines := append(append([]string(nil), c.opts.machines...), c.opts.systemd...)
			s := analysis.Analyze(file, []byte(c.src), analysis.Config{Machines: machines, VLANs: c.opts.vlans})
			if s.File == nil {
				continue // a case with a deliberate syntax error
			}
			syntax.Walk(s.File, func(n syntax.Node) bool {
				switch n := n.(type) {
				case *syntax.Ident:
					used[n.Name] = true
				case *syntax.DotExpr:
					// m.group() after `if m:` is a Match's: None has no members.
					types := slices.DeleteFunc(lang.BaseTypes(s.TypeOf(n.X)), func(t string) bool { return t == "None" })
					if len(types) == 1 {
						used[types[0]+"."+n.Name.Name] = true
					}
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
		if !used[e.Path] {
			t.Errorf("%s is used by no testdata/*.star case (where its receiver's type is known)", e.Path)
		}
	}
}
