//go:build integration

package qemu

import (
	"testing"
)

// TestAccelProbe runs the real probe. Its verdict depends on the host;
// whichever it is, it must be explained, and the guests of this package's
// other tests boot with it.
func TestAccelProbe(t *testing.T) {
	t.Setenv("VMT_ACCEL", "")
	a, why := chooseAccel()
	if (a != AccelKVM && a != AccelTCG) || why == "" {
		t.Fatalf("probe said %q (%q)", a, why)
	}
	t.Logf("accelerator: %s (%s)", a, why)
}
