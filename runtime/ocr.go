package runtime

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vmt-dev/vmt/internal/screen"
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
	img, err := screen.ReadPNG(shot)
	if err != nil {
		return nil, err
	}
	inputs := []string{filepath.Join(dir, "gray.png")}
	if err := screen.WritePNG(inputs[0], screen.EnlargedGray(img, false)); err != nil {
		return nil, err
	}
	if variants {
		inverted := filepath.Join(dir, "inverted.png")
		if err := screen.WritePNG(inverted, screen.EnlargedGray(img, true)); err != nil {
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
