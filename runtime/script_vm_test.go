//go:build integration

package runtime

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.star")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.star files: %v", err)
	}
	pool := newGuestPool(t)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, c := range readCases(t, file) {
				t.Run(fmt.Sprintf("line%d", c.line), func(t *testing.T) { runCase(t, pool, c) })
			}
			pool.releaseSystemd()
		})
	}
}

func runCase(t *testing.T, pool *guestPool, c scriptCase) {
	outDir := t.TempDir()
	testdata, _ := filepath.Abs("testdata")
	img := pool.image()
	src := strings.NewReplacer(
		"@OUTDIR@", outDir,
		"@TESTDATA@", testdata,
		"@KERNEL@", img.Kernel,
		"@INITRD@", img.Initramfs,
		"@KERNEL_REL@", relativeTo(t, testdata, img.Kernel),
		"@INITRD_REL@", relativeTo(t, testdata, img.Initramfs),
	).Replace(c.src)
	var specs []MachineSpec
	for _, name := range c.opts.machines {
		specs = append(specs, MachineSpec{Name: name})
	}
	specs = append(specs, pool.systemdSpecs(t, c)...)
	opts := Options{
		Script:        c.file,
		Source:        []byte(src),
		Machines:      specs,
		VLANs:         c.opts.vlans,
		GlobalTimeout: c.opts.globalTimeout,
		OutputDir:     outDir,
		Interactive:   c.opts.interactive,
		Stdin:         strings.NewReader(c.opts.stdin),
		Terminal:      &testWriter{t: t},
		Tesseract:     c.opts.tesseract,
		Backend:       pool.backend(t),
	}
	err := Run(t.Context(), opts)
	checkOutcome(t, c, err)
}

// relativeTo is path relative to dir.
func relativeTo(t *testing.T, dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}
