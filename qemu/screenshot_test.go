package qemu

import (
	"bufio"
	"image/color"
	"strings"
	"testing"
)

func TestDecodePPM(t *testing.T) {
	src := "P6\n# made by hand\n2 1\n255\n" + "\xff\x00\x00" + "\x00\x80\xff"
	img, err := decodePPM(bufio.NewReader(strings.NewReader(src)))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 1 {
		t.Fatalf("size %v", b)
	}
	if c := img.At(1, 0); c != (color.RGBA{0, 0x80, 0xff, 255}) {
		t.Errorf("pixel (1,0) = %v", c)
	}
	for _, bad := range []string{"", "P5\n1 1\n255\n\x00", "P6\n2 2\n255\n\x00\x00", "P6\n-1 1\n255\n", "P6\n1 1\n65535\n\x00\x00\x00\x00\x00\x00", "P6\n99999 99999\n255\n"} {
		if _, err := decodePPM(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func FuzzDecodePPM(f *testing.F) {
	f.Add([]byte("P6\n2 1\n255\n\xff\x00\x00\x00\x80\xff"))
	f.Add([]byte("P6 1 1 15 abc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodePPM(bufio.NewReader(strings.NewReader(string(data))))
	})
}

func TestKeyName(t *testing.T) {
	for in, want := range map[string]string{"a": "a", "A": "shift-a", " ": "spc", "\n": "ret", "?": "shift-0x35", "ctrl-alt-delete": "ctrl-alt-delete", "7": "7"} {
		if got := KeyName(in); got != want {
			t.Errorf("KeyName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccelFromEnvironment(t *testing.T) {
	t.Setenv("VMT_ACCEL", "kvm")
	if a, why := chooseAccel(); a != AccelKVM || why != "set by VMT_ACCEL" {
		t.Errorf("VMT_ACCEL=kvm: %s (%s)", a, why)
	}
	t.Setenv("VMT_ACCEL", "tcg")
	if a, _ := chooseAccel(); a != AccelTCG {
		t.Errorf("VMT_ACCEL=tcg: %s", a)
	}
	t.Setenv("VMT_ACCEL", "hvf")
	if a, why := chooseAccel(); a != AccelTCG || !strings.Contains(why, "neither kvm nor tcg") {
		t.Errorf("VMT_ACCEL=hvf: %s (%s)", a, why)
	}
}
