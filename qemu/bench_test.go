package qemu_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkSucceedEcho measures one command round trip on the test guest.
func BenchmarkSucceedEcho(b *testing.B) {
	m := sharedMachine(b)
	ctx := context.Background()
	for b.Loop() {
		if status, out, err := m.Execute(ctx, "echo hello", time.Minute, nil); err != nil || status != 0 || string(out) != "hello\n" {
			b.Fatalf("(%d, %q, %v)", status, out, err)
		}
	}
}

// BenchmarkOutput600KB measures a command printing 600 KB.
func BenchmarkOutput600KB(b *testing.B) {
	m := sharedMachine(b)
	ctx := context.Background()
	b.SetBytes(600 * 1024)
	for b.Loop() {
		_, out, err := m.Execute(ctx, "head -c 614400 /dev/zero", time.Minute, nil)
		if err != nil || len(out) != 600*1024 {
			b.Fatalf("%d bytes, %v", len(out), err)
		}
	}
}
