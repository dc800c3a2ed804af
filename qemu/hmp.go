package qemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// hmpPrompt ends every reply of QEMU's human monitor.
const hmpPrompt = "(qemu) "

// hmpTimeout bounds a monitor command when the caller's context does not.
const hmpTimeout = time.Minute

// hmpMonitor is a connection to QEMU's human monitor (HMP).
type hmpMonitor struct {
	conn net.Conn
	mu   sync.Mutex
	// behind is set when a command was abandoned before its prompt came:
	// that prompt must be read before the next command.
	behind bool
}

// connect reads the banner up to the first prompt.
func (h *hmpMonitor) connect() error {
	_, err := h.readPrompt(context.Background(), time.Now().Add(10*time.Second))
	return err
}

// readPrompt reads until the prompt and returns what came before it.
func (h *hmpMonitor) readPrompt(ctx context.Context, deadline time.Time) (string, error) {
	h.conn.SetReadDeadline(deadline)
	defer h.conn.SetReadDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { h.conn.SetReadDeadline(time.Now()) })
	defer stop()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := h.conn.Read(buf)
		out = append(out, buf[:n]...)
		if bytes.HasSuffix(out, []byte(hmpPrompt)) {
			return string(out[:len(out)-len(hmpPrompt)]), nil
		}
		if err != nil {
			if ctx.Err() != nil {
				err = ctx.Err()
			}
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
	deadline := time.Now().Add(hmpTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if h.behind {
		if _, err := h.readPrompt(ctx, deadline); err != nil {
			return "", fmt.Errorf("monitor still busy with an earlier command: %w", err)
		}
		h.behind = false
	}
	h.conn.SetWriteDeadline(deadline)
	_, err := h.conn.Write([]byte(cmd + "\n"))
	h.conn.SetWriteDeadline(time.Time{})
	if err != nil {
		return "", fmt.Errorf("monitor: %w", err)
	}
	out, err := h.readPrompt(ctx, deadline)
	if err != nil && !errors.Is(err, net.ErrClosed) {
		h.behind = true
	}
	out = strings.ReplaceAll(out, "\r", "")
	// QEMU echoes the command line (with terminal control sequences).
	if i := strings.IndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	return out, err
}
