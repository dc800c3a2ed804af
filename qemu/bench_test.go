//go:build integration

package qemu_test

import (
	"context"
	"testing"
)

// BenchmarkSucceedEcho measures one command round trip on each guest kind,
// with no timeout, as succeed runs by default (a timeout costs the
// NixOS-style guest a timeout(1) and a sh: it cannot be interrupted).
func BenchmarkSucceedEcho(b *testing.B) {
	for _, kind := range guestKinds {
		b.Run(kind, func(b *testing.B) {
			m := sharedGuest(b, kind)
			ctx := context.Background()
			for b.Loop() {
				if status, out, err := m.Execute(ctx, "echo hello", 0, nil); err != nil || status != 0 || string(out) != "hello\n" {
					b.Fatalf("(%d, %q, %v)", status, out, err)
				}
			}
		})
	}
}

// BenchmarkSeq100000 measures 589 KB written one line at a time, the way
// most programs write, on each guest kind.
func BenchmarkSeq100000(b *testing.B) {
	for _, kind := range guestKinds {
		b.Run(kind, func(b *testing.B) {
			m := sharedGuest(b, kind)
			ctx := context.Background()
			b.SetBytes(588895)
			for b.Loop() {
				_, out, err := m.Execute(ctx, "seq 1 100000", 0, nil)
				if err != nil || len(out) != 588895 {
					b.Fatalf("%d bytes, %v", len(out), err)
				}
			}
		})
	}
}

// BenchmarkOutput600KB measures 600 KB written in large blocks, the cost
// of the transport alone.
func BenchmarkOutput600KB(b *testing.B) {
	for _, kind := range guestKinds {
		b.Run(kind, func(b *testing.B) {
			m := sharedGuest(b, kind)
			ctx := context.Background()
			b.SetBytes(600 * 1024)
			for b.Loop() {
				_, out, err := m.Execute(ctx, "head -c 614400 /dev/zero", 0, nil)
				if err != nil || len(out) != 600*1024 {
					b.Fatalf("%d bytes, %v", len(out), err)
				}
			}
		})
	}
}
