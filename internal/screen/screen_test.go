package screen

import (
	"image"
	"image/color"
	"path/filepath"
	"testing"
)

func TestEnlargedGrayRoundTrip(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.White)
	img.Set(1, 0, color.Black)
	path := filepath.Join(t.TempDir(), "shot.png")
	if err := WritePNG(path, EnlargedGray(img, true)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPNG(path)
	if err != nil {
		t.Fatal(err)
	}
	if b := got.Bounds(); b.Dx() != 4 || b.Dy() != 2 {
		t.Fatalf("size %v, want 4x2", b)
	}
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			want := uint8(255) // black inverted
			if x < 2 {
				want = 0 // white inverted
			}
			if g := color.GrayModel.Convert(got.At(x, y)).(color.Gray).Y; g != want {
				t.Errorf("pixel %d,%d: %d, want %d", x, y, g, want)
			}
		}
	}
	if _, err := ReadPNG(filepath.Join(t.TempDir(), "none.png")); err == nil {
		t.Error("reading a missing file gave no error")
	}
}
