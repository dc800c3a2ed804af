package qemu

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
	"github.com/digitalocean/go-qemu/qmp/raw"
)

// fakeQMP plays QEMU's side of a QMP connection: it answers each command
// with the reply answer returns for it, after sending the extra lines
// before returns.
func fakeQMP(t *testing.T, conn net.Conn, answer func(name string) (before []string, reply string)) {
	t.Helper()
	go func() {
		defer conn.Close()
		conn.Write([]byte(`{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}` + "\n"))
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			var cmd struct {
				Execute string          `json:"execute"`
				ID      json.RawMessage `json:"id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &cmd); err != nil {
				return
			}
			before, reply := answer(cmd.Execute)
			for _, line := range before {
				conn.Write([]byte(line + "\n"))
			}
			conn.Write([]byte(strings.Replace(reply, "ID", string(cmd.ID), 1) + "\n"))
		}
	}()
}

func TestQMPEventAndStrayReplyAroundHandshake(t *testing.T) {
	host, guest := net.Pipe()
	fakeQMP(t, guest, func(name string) ([]string, string) {
		switch name {
		case "qmp_capabilities":
			// An event and a reply nobody asked for arrive first.
			return []string{`{"event": "RTC_CHANGE", "data": {"offset": 1}, "timestamp": {"seconds": 1, "microseconds": 2}}`, `{"return": {"stray": true}}`}, `{"return": {}, "id": ID}`
		case "query-status":
			return nil, `{"return": {"status": "running", "singlestep": false, "running": true}, "id": ID}`
		case "query-big":
			return nil, `{"return": "` + strings.Repeat("x", 200*1024) + `", "id": ID}`
		}
		return nil, `{"error": {"class": "CommandNotFound", "desc": "The command ` + name + ` has not been found"}, "id": ID}`
	})
	m := newQMPMonitor(host)
	if err := m.Connect(); err != nil {
		t.Fatal(err)
	}
	status, err := raw.NewMonitor(m).QueryStatus()
	if err != nil || status.Status != raw.RunStateRunning {
		t.Fatalf("query-status through go-qemu: %+v, %v", status, err)
	}
	big, err := m.execute(context.Background(), "query-big", nil)
	if err != nil || len(big) < 200*1024 {
		t.Fatalf("a 200 KiB reply: %d bytes, %v", len(big), err)
	}
	if _, err := m.execute(context.Background(), "nope", nil); err == nil || !strings.Contains(err.Error(), "CommandNotFound") {
		t.Fatalf("unknown command: %v", err)
	}
	ev, err := m.waitEvent(context.Background(), func(e qmp.Event) bool { return e.Event == "RTC_CHANGE" }, time.Second)
	if err != nil || ev.Data["offset"] != float64(1) {
		t.Fatalf("the event sent during the handshake: %+v, %v", ev, err)
	}
	if _, err := m.waitEvent(context.Background(), func(qmp.Event) bool { return true }, 50*time.Millisecond); err == nil {
		t.Fatal("an event was returned twice")
	}
	m.Disconnect()
	if _, err := m.execute(context.Background(), "query-status", nil); err == nil {
		t.Fatal("a command on a closed connection succeeded")
	}
}

func TestQMPGarbage(t *testing.T) {
	host, guest := net.Pipe()
	go func() {
		guest.Write([]byte("this is not json\n"))
		guest.Close()
	}()
	if err := newQMPMonitor(host).Connect(); err == nil {
		t.Fatal("a garbage greeting was accepted")
	}
}
