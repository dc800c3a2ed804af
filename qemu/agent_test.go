package qemu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeAgent answers like qemu-ga: stale answers before a sync's own, and
// guest-exec-status replies from status, one per request.
func fakeAgent(t *testing.T, conn net.Conn, status []string) {
	t.Helper()
	go func() {
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			var req struct {
				Execute   string         `json:"execute"`
				Arguments map[string]any `json:"arguments"`
			}
			if err := json.Unmarshal(bytes.Trim(line, "\xff\n"), &req); err != nil {
				fmt.Fprintf(conn, `{"error": {"class": "GenericError", "desc": "bad JSON"}}`+"\n")
				continue
			}
			switch req.Execute {
			case "guest-sync-delimited":
				// A stale answer, a line cut short, then the real one.
				fmt.Fprintf(conn, "{\"return\": 1}\n{\"ret\n\xff{\"return\": %v}\n", int64(req.Arguments["id"].(float64)))
			case "guest-exec":
				fmt.Fprintf(conn, `{"return": {"pid": 42}}`+"\n")
			case "guest-exec-status":
				reply := `{"return": {"exited": false}}`
				if len(status) > 0 {
					reply, status = status[0], status[1:]
				}
				fmt.Fprintln(conn, reply)
			}
		}
	}()
}

func TestImageAgentProtocol(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	host, guest := net.Pipe()
	defer host.Close()
	fakeAgent(t, guest, []string{
		`{"return": {"exited": false}}`,
		fmt.Sprintf(`{"return": {"exited": true, "exitcode": 7, "out-data": %q, "err-data": %q}}`, b64("out\x00\xff\n"), b64("err\n")),
		fmt.Sprintf(`{"return": {"exited": true, "signal": 9, "out-data": %q}}`, b64("partial")),
		fmt.Sprintf(`{"return": {"exited": true, "exitcode": 0, "out-data": %q, "out-truncated": true}}`, b64("cut")),
	})
	a := &agent{conn: host, lines: make(chan []byte, 16), done: make(chan struct{}), dead: make(chan struct{})}
	go a.read()
	var stderr []byte
	a.stderr = func(p []byte) { stderr = append(stderr, p...) }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.sync(ctx, time.Second); err != nil {
		t.Fatalf("sync: %v", err)
	}
	status, out, err := a.execute(ctx, "whatever", 0, nil)
	if err != nil || status != 7 || string(out) != "out\x00\xff\n" || string(stderr) != "err\n" {
		t.Errorf("exit 7: (%d, %q, %v), stderr %q", status, out, err, stderr)
	}
	if status, out, err := a.execute(ctx, "whatever", 0, nil); err != nil || status != 128+9 || string(out) != "partial" {
		t.Errorf("killed by signal 9: (%d, %q, %v), want status 137", status, out, err)
	}
	if _, _, err := a.execute(ctx, "whatever", 0, nil); err == nil || !strings.Contains(err.Error(), "longer than the guest agent passes on") {
		t.Errorf("truncated output: %v, want an error", err)
	}
	a.die(fmt.Errorf("port closed"))
	if _, _, err := a.execute(ctx, "whatever", 0, nil); err == nil || !strings.Contains(err.Error(), "port closed") {
		t.Errorf("dead agent: %v", err)
	}
}
