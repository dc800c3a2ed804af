package runtime

import (
	"strings"
	"testing"
)

// A boot timeout is a number of seconds > 0: a boot wait without a limit
// could hang the test for good.
func TestBootTimeoutMustBePositive(t *testing.T) {
	cases := map[string]string{
		"0":      "create_machine: boot_timeout must be a number of seconds > 0, got 0",
		"0.0":    "create_machine: boot_timeout must be a number of seconds > 0, got 0.0",
		"-1":     "create_machine: boot_timeout must be a number of seconds > 0, got -1",
		"1e-12":  "create_machine: boot_timeout must be a number of seconds > 0, got 1e-12",
		`"soon"`: `argument-type: create_machine(): "boot_timeout" expects int|float|None, got str "soon"`,
	}
	for arg, want := range cases {
		err, _, backend := fakeRun(t, `create_machine("gamma", boot_timeout=`+arg+")\n", nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("boot_timeout=%s: got %v, want an error with %q", arg, err, want)
		}
		if len(backend.machines) > 1 {
			t.Errorf("boot_timeout=%s: machine gamma was made", arg)
		}
	}
}
