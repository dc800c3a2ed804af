//go:build integration

package qemu_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/screen"
	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// TestDefaultGuestScreenShowsTTY1 boots the default guest (vmlinux by PVH,
// which gives the kernel no VGA text console: its console on the screen
// is fbcon on the bochs DRM driver), booted and restored from a snapshot,
// and reads text written to tty1 right after boot on its screenshot.
func TestDefaultGuestScreenShowsTTY1(t *testing.T) {
	tesseract, err := exec.LookPath("tesseract")
	if err != nil {
		t.Skip("no tesseract to read the screen")
	}
	for _, c := range []struct {
		name       string
		noSnapshot bool
	}{{"booted", true}, {"restored", false}} {
		t.Run(c.name, func(t *testing.T) {
			dir := qemutest.TempDir(t)
			m := bootSpec(t, qemu.Spec{Name: "screen", MemoryMB: 1024, NoSnapshot: c.noSnapshot}, dir, 1, nil)
			screenShowsTTY1(t, m, tesseract)
		})
	}
}

func screenShowsTTY1(t *testing.T, m *qemu.Machine, tesseract string) {
	booted := time.Now()
	// No V: tesseract reads the console font's V as U. The margin keeps
	// the text off the image's edge, where tesseract misreads letters.
	const marker = "SCREEN MARKER 4711"
	if status, out := run(t, m, "printf '\\033[2J\\033[H\\n\\n    %s\\n' '"+marker+"' > /dev/tty1"); status != 0 {
		t.Fatalf("writing to tty1: %s", out)
	}
	ctx := context.Background()
	tmp := t.TempDir()
	shot, gray := filepath.Join(tmp, "screen.png"), filepath.Join(tmp, "gray.png")
	// A booted guest loads its display driver in the background, while its
	// shell starts: the screen shows tty1 a fraction of a second after the
	// first command. (QEMU's "Guest has not initialized the display"
	// placeholder is not blank: only reading the marker tells.)
	var text string
	for shots, deadline := 1, time.Now().Add(10*time.Second); ; shots++ {
		if err := m.Screenshot(ctx, shot); err != nil {
			t.Fatal(err)
		}
		img, err := screen.ReadPNG(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := screen.WritePNG(gray, screen.EnlargedGray(img, true)); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tesseract, gray, "-").Output()
		if err != nil {
			t.Fatalf("tesseract: %v", err)
		}
		text = strings.Join(strings.Fields(string(out)), " ")
		if strings.Contains(text, marker) {
			t.Logf("the screen (%v) showed tty1 on screenshot %d, %.1fs after the first command (OCR included)", img.Bounds().Size(), shots, time.Since(booted).Seconds())
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, fb := run(t, m, "cat /proc/fb; ls /sys/class/graphics")
	t.Errorf("tesseract did not read %q on the screen; it read %q (framebuffers: %q)", marker, text, fb)
}
