package runtime

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// tesseract finds the OCR program.
func (d *driver) tesseract() (string, error) {
	name := d.opts.Tesseract
	if name == "" {
		name = "tesseract"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("reading the screen needs tesseract on the host, and %s was not found: install it (apt-get install tesseract-ocr)", name)
	}
	return path, nil
}

// screenTexts takes a screenshot and reads it with tesseract: one reading
// of an enlarged grey-scale copy, or with variants also the original and
// an inverted copy (light text on a dark console reads better inverted).
func (m *Machine) screenTexts(c *call, variants bool) ([]string, error) {
	tesseract, err := c.d.tesseract()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "vmt-ocr-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	shot := filepath.Join(dir, "screen.png")
	if err := m.screenshot(c, shot); err != nil {
		return nil, err
	}
	img, err := readPNG(shot)
	if err != nil {
		return nil, err
	}
	inputs := []string{filepath.Join(dir, "gray.png")}
	if err := writePNG(inputs[0], enlargedGray(img, false)); err != nil {
		return nil, err
	}
	if variants {
		inverted := filepath.Join(dir, "inverted.png")
		if err := writePNG(inverted, enlargedGray(img, true)); err != nil {
			return nil, err
		}
		inputs = append(inputs, shot, inverted)
	}
	ctx, cancel := c.d.callContext()
	defer cancel()
	var texts []string
	for _, in := range inputs {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, tesseract, in, "-")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return nil, c.d.callError(ctx, err)
			}
			return nil, fmt.Errorf("%s: tesseract %s: %v: %s", m.name, filepath.Base(in), err, strings.TrimSpace(stderr.String()))
		}
		texts = append(texts, stdout.String())
	}
	return texts, nil
}

func readPNG(path string) (image.Image, error) {
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

func writePNG(path string, img image.Image) error {
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

// enlargedGray is the image in grey scale at twice its size (tesseract
// reads small console fonts poorly), optionally inverted.
func enlargedGray(img image.Image, invert bool) image.Image {
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
