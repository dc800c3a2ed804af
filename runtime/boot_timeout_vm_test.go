//go:build integration

package runtime

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// kernelLine is a message of the guest's kernel: "[    1.988188] ...".
var kernelLine = regexp.MustCompile(`(?m)^\[ *\d+\.\d+\] `)

// A guest that boots but never starts its backdoor shell (its init is a
// bare shell waiting on the console) fails the test at the boot timeout,
// naming the machine and showing its console (the kernel's messages, made
// visible despite quiet); create_machine's boot_timeout wins over the
// run's.
func TestBootTimeout(t *testing.T) {
	img := qemutest.Image(t)
	declare := `stuck = create_machine("stuck", kernel="` + img.Kernel + `", initrd="` + img.Initramfs +
		`", memory_size=256, kernel_params=["rdinit=/bin/sh", "loglevel=6"]%s)
stuck.succeed("true")
`
	cases := []struct {
		name  string
		param string        // create_machine's boot_timeout argument
		run   time.Duration // Options.BootTimeout
		limit time.Duration // the one that applies
		// console is set when the kernel has printed by then: under TCG on
		// a busy host its first line can take 6 s.
		console bool
	}{
		{"create_machine", ", boot_timeout=5", 600 * time.Second, 5 * time.Second, false},
		{"run option", "", 12 * time.Second, 12 * time.Second, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var term strings.Builder
			opts := Options{
				Script:      "stuck.star",
				Source:      []byte(strings.Replace(declare, "%s", c.param, 1)),
				BootTimeout: c.run,
				OutputDir:   t.TempDir(),
				Terminal:    &term,
				Backend:     &QEMU{TmpDir: qemutest.TempDir(t)},
			}
			began := time.Now()
			err := Run(t.Context(), opts)
			took := time.Since(began)
			t.Logf("failed after %s:\n%s", took, term.String())
			var failure *Failure
			if !errors.As(err, &failure) {
				t.Fatalf("got %v, want a test failure", err)
			}
			for _, want := range []string{"machine stuck: the backdoor shell did not come up within " + c.limit.String(), "last console lines:\n"} {
				if !strings.Contains(failure.Err.Error(), want) {
					t.Errorf("the error lacks %q: %v", want, failure.Err)
				}
			}
			if _, lines, _ := strings.Cut(failure.Err.Error(), "last console lines:\n"); c.console && !kernelLine.MatchString(lines) {
				t.Errorf("the error shows no console line of the guest's kernel: %v", failure.Err)
			}
			// QEMU's start and the release add a little; a default boot
			// timeout (600 s) would be far off.
			if took > c.limit+10*time.Second {
				t.Errorf("the test failed after %s, with a boot timeout of %s", took, c.limit)
			}
		})
	}
}
