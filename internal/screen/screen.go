// Package screen prepares screenshots for OCR: tesseract reads a
// console's small font poorly as QEMU saves it.
package screen

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
)

// ReadPNG reads a PNG screenshot.
func ReadPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("reading screenshot %s: %w", path, err)
	}
	return img, nil
}

// WritePNG writes img as a PNG file.
func WritePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// EnlargedGray is img in grey scale at twice its size, inverted if asked
// (a light-on-dark console reads better inverted).
func EnlargedGray(img image.Image, invert bool) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, 2*b.Dx(), 2*b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			if invert {
				g.Y = 255 - g.Y
			}
			out.SetGray(2*x, 2*y, g)
			out.SetGray(2*x+1, 2*y, g)
			out.SetGray(2*x, 2*y+1, g)
			out.SetGray(2*x+1, 2*y+1, g)
		}
	}
	return out
}
