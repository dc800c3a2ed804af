package qemu

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// hmpPrompt ends every reply of QEMU's human monitor.
const hmpPrompt = "(qemu) "

// hmpMonitor is a connection to QEMU's human monitor (HMP).
type hmpMonitor struct {
	conn net.Conn
	mu   sync.Mutex
}

// connect reads the banner up to the first prompt.
func (h *hmpMonitor) connect() error {
	_, err := h.readPrompt(time.Now().Add(10 * time.Second))
	return err
}

// readPrompt reads until the prompt and returns what came before it.
func (h *hmpMonitor) readPrompt(deadline time.Time) (string, error) {
	h.conn.SetReadDeadline(deadline)
	defer h.conn.SetReadDeadline(time.Time{})
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := h.conn.Read(buf)
		out = append(out, buf[:n]...)
		if bytes.HasSuffix(out, []byte(hmpPrompt)) {
			return string(out[:len(out)-len(hmpPrompt)]), nil
		}
		if err != nil {
			return string(out), fmt.Errorf("monitor: %w", err)
		}
	}
}

// command runs one monitor command and returns its output, without the
// echoed command line.
func (h *hmpMonitor) command(ctx context.Context, cmd string) (string, error) {
	if strings.ContainsAny(cmd, "\r\n") {
		return "", fmt.Errorf("monitor command %q: one line only", cmd)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.conn.Write([]byte(cmd + "\n")); err != nil {
		return "", fmt.Errorf("monitor: %w", err)
	}
	deadline := time.Now().Add(time.Minute)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	out, err := h.readPrompt(deadline)
	out = strings.ReplaceAll(out, "\r", "")
	// QEMU echoes the command line (with terminal control sequences).
	if i := strings.IndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	return out, err
}
