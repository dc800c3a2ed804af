package qemu

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLineSplitter(t *testing.T) {
	var l lineSplitter
	var lines []string
	emit := func(s string) { lines = append(lines, s) }
	l.feed([]byte("plain\r\n\x1b[1;32mgreen\x1b[0m te"), emit)
	l.feed([]byte("xt\n\x1b]0;title\x07after osc\n\x1b]2;t\x1b\\st\n\x1bcreset\npart"), emit)
	want := []string{"plain", "green text", "after osc", "st", "reset"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", lines, want)
	}
	if l.partial() != "part" {
		t.Errorf("partial line %q", l.partial())
	}
}

func TestConsoleWaitForConsumesMatchedLines(t *testing.T) {
	c := newConsole()
	nop := func(string) {}
	c.write([]byte("boot 1\nlogin: "), nop)
	ctx := context.Background()
	if got, err := c.waitFor(ctx, regexp.MustCompile(`login: $`), time.Second); err != nil || got != "login: " {
		t.Fatalf("prompt without newline: %q, %v", got, err)
	}
	if _, err := c.waitFor(ctx, regexp.MustCompile(`boot 1`), 100*time.Millisecond); err == nil {
		t.Fatal("a line before an earlier match matched again")
	}
	if _, err := c.waitFor(ctx, regexp.MustCompile(`login`), 100*time.Millisecond); err == nil {
		t.Fatal("the same prompt matched twice")
	}
	c.write([]byte("\nlogin: again"), nop)
	if got, err := c.waitFor(ctx, regexp.MustCompile(`login: \w+`), time.Second); err != nil || got != "login: again" {
		t.Fatalf("a later prompt: %q, %v", got, err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		c.write([]byte("\nservice started\n"), nop)
	}()
	if got, err := c.waitFor(ctx, regexp.MustCompile(`service (\w+)`), 5*time.Second); err != nil || got != "service started" {
		t.Fatalf("waiting for a later line: %q, %v", got, err)
	}
	if !strings.Contains(c.log(), "boot 1\nlogin: \nlogin: again\nservice started") {
		t.Errorf("log %q", c.log())
	}
}

func FuzzLineSplitter(f *testing.F) {
	f.Add([]byte("a\r\nb\x1b[31mc\x1b]0;t\x07d\n"))
	f.Add([]byte("\x1b\x1b[\x1b]\x1b\\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var whole, split lineSplitter
		var a, b []string
		whole.feed(data, func(s string) { a = append(a, s) })
		for i := range data {
			split.feed(data[i:i+1], func(s string) { b = append(b, s) })
		}
		if strings.Join(a, "\n") != strings.Join(b, "\n") || whole.partial() != split.partial() {
			t.Fatalf("chunking changed the lines: %q vs %q", a, b)
		}
		for _, line := range a {
			if strings.ContainsAny(line, "\r\n\x1b") {
				t.Fatalf("line %q keeps a control character", line)
			}
		}
	})
}
