//go:build integration

package vmtest

import (
	"context"
	"io"
	"strconv"
	"testing"
)

// BenchmarkExecTrue is `vmt exec -k KERNEL -- true`: boot with the host's
// root over 9p, run true, stop.
func BenchmarkExecTrue(b *testing.B) {
	benchTargets(b, 1, 1)
}

// BenchmarkThreeTargets runs three such targets one at a time and two at
// a time.
func BenchmarkThreeTargets(b *testing.B) {
	for _, jobs := range []int{1, 2} {
		b.Run("j"+strconv.Itoa(jobs), func(b *testing.B) { benchTargets(b, 3, jobs) })
	}
}

func benchTargets(b *testing.B, n, jobs int) {
	x := NewTarget()
	x.Kernel, x.Command = kernelImage(b), "true"
	var targets []Target
	for i := range n {
		x.Name = "t" + strconv.Itoa(i)
		targets = append(targets, x)
	}
	opts := Options{Jobs: jobs, Workdir: b.TempDir(), Env: CallerEnv(), Stdout: io.Discard, Stderr: io.Discard}
	b.ResetTimer()
	for range b.N {
		for _, r := range Run(context.Background(), targets, opts) {
			if r.Outcome != Passed {
				b.Fatalf("%s: %s (%v)", r.Target, r, r.Err)
			}
		}
	}
}
