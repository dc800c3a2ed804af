package qemu

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/digitalocean/go-qemu/qmp/raw"
)

// Screenshot saves the machine's display as a PNG file at path.
func (m *Machine) Screenshot(ctx context.Context, path string) error {
	ppm := filepath.Join(m.cfg.stateDir(), "screendump.ppm")
	defer os.Remove(ppm)
	_, q, err := m.monitors(ctx)
	if err != nil {
		return err
	}
	if err := raw.NewMonitor(q).Screendump(ppm); err != nil {
		return fmt.Errorf("machine %s: screendump: %w", m.cfg.Name, err)
	}
	f, err := os.Open(ppm)
	if err != nil {
		return fmt.Errorf("machine %s: reading screendump: %w", m.cfg.Name, err)
	}
	defer f.Close()
	img, err := decodePPM(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("machine %s: screendump: %w", m.cfg.Name, err)
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("machine %s: screenshot: %w", m.cfg.Name, err)
	}
	if err := png.Encode(out, img); err != nil {
		out.Close()
		return fmt.Errorf("machine %s: writing %s: %w", m.cfg.Name, path, err)
	}
	return out.Close()
}

// decodePPM reads a binary PPM (P6) image with 8-bit samples, the format
// QEMU's screendump writes.
func decodePPM(r *bufio.Reader) (image.Image, error) {
	var fields [4]int
	magic, err := ppmToken(r)
	if err != nil || magic != "P6" {
		return nil, fmt.Errorf("not a binary PPM image (magic %q)", magic)
	}
	for i := 1; i < 4; i++ {
		tok, err := ppmToken(r)
		if err != nil {
			return nil, fmt.Errorf("PPM header: %w", err)
		}
		if fields[i], err = strconv.Atoi(tok); err != nil || fields[i] <= 0 {
			return nil, fmt.Errorf("PPM header: bad number %q", tok)
		}
	}
	w, h, maxval := fields[1], fields[2], fields[3]
	if maxval > 255 {
		return nil, fmt.Errorf("PPM with %d levels per sample is not supported", maxval)
	}
	if w > 1<<15 || h > 1<<15 || w*h > 1<<26 {
		return nil, fmt.Errorf("PPM of %dx%d pixels is too large", w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 3*w)
	for y := 0; y < h; y++ {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, fmt.Errorf("PPM pixels: %w", err)
		}
		for x := 0; x < w; x++ {
			c := color.RGBA{scale(row[3*x], maxval), scale(row[3*x+1], maxval), scale(row[3*x+2], maxval), 255}
			img.SetRGBA(x, y, c)
		}
	}
	return img, nil
}

func scale(v byte, maxval int) uint8 {
	if maxval == 255 {
		return v
	}
	return uint8(int(v) * 255 / maxval)
}

// ppmToken reads one whitespace-separated header token, skipping comments;
// the single whitespace byte after the last token is consumed with it.
func ppmToken(r *bufio.Reader) (string, error) {
	var tok []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			if len(tok) > 0 {
				return string(tok), nil
			}
			return "", err
		}
		switch {
		case c == '#' && len(tok) == 0:
			if _, err := r.ReadBytes('\n'); err != nil {
				return "", err
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			if len(tok) > 16 {
				return "", fmt.Errorf("PPM header token too long")
			}
			tok = append(tok, c)
		}
	}
}
