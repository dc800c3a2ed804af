package runtime

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// pureScripts are the testdata files whose cases need no guest: the
// modules and builtins that run on the host. TestScripts runs them too,
// beside the booted guests; here they run against fake machines, so that
// `go test -run ScriptsWithoutGuests` checks them in a second.
var pureScripts = []string{"format.star", "modules.star", "host.star", "url.star", "nested.star"}

func TestScriptsWithoutGuests(t *testing.T) {
	for _, name := range pureScripts {
		file := filepath.Join("testdata", name)
		t.Run(name, func(t *testing.T) {
			for _, c := range readCases(t, file) {
				t.Run(fmt.Sprintf("line%d", c.line), func(t *testing.T) {
					outDir := t.TempDir()
					var specs []MachineSpec
					for _, m := range c.opts.machines {
						specs = append(specs, MachineSpec{Name: m})
					}
					err := Run(t.Context(), Options{
						Script:        file,
						Source:        []byte(strings.ReplaceAll(c.src, "@OUTDIR@", outDir)),
						Machines:      specs,
						GlobalTimeout: c.opts.globalTimeout,
						OutputDir:     outDir,
						Terminal:      &testWriter{t: t},
						Backend:       &fakeBackend{},
					})
					checkOutcome(t, c, err)
				})
			}
		})
	}
}
