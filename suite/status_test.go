package suite

import (
	"strings"
	"testing"
	"time"

	"github.com/vmt-dev/vmt/internal/syncbuf"
)

// Not on a terminal (CI): a line when a test starts and one when it ends.
func TestStatusPlain(t *testing.T) {
	var out syncbuf.Buffer
	s := NewStatus(&out, false, 0)
	a, b := Test{Name: "a.star"}, Test{Name: "net/b.star"}
	s.Started(a)
	s.Started(b)
	s.Progress(a, "machine: booting")
	s.Finished(Result{Test: b, Outcome: Failed, Took: 1500 * time.Millisecond, Detail: "test failed"})
	s.Finished(Result{Test: a, Outcome: Passed, Took: 2 * time.Second})
	s.Close()
	want := "started  a.star\nstarted  net/b.star\nfailed   net/b.star in 1.5s: test failed\npassed   a.star in 2.0s\n"
	if out.String() != want {
		t.Errorf("status:\n%s\nwant:\n%s", out.String(), want)
	}
}

// On a terminal: the running tests' lines, with their last log line,
// redrawn in place; ended tests stay above them.
func TestStatusLive(t *testing.T) {
	var out syncbuf.Buffer
	s := NewStatus(&out, true, 40)
	a, b := Test{Name: "a.star"}, Test{Name: "b.star"}
	s.Started(a)
	s.Started(b)
	s.Progress(a, "machine: \x1b[31mwaiting for the backdoor shell to come up")
	time.Sleep(2 * redrawEvery)
	s.Finished(Result{Test: b, Outcome: Passed, Took: time.Second})
	s.Close()
	got := out.String()
	for _, want := range []string{
		"s  machine: [31mwaiti…\n", // the escape character dropped, cut at 39 columns
		"\x1b[2F\x1b[J",            // two live lines erased to redraw
		"passed   b.star in 1.0s\nrunning  a.star 1s",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the status lacks %q:\n%q", want, got)
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if i := strings.LastIndex(line, "\x1b[J"); i >= 0 {
			line = line[i+len("\x1b[J"):]
		}
		if len([]rune(line)) > 39 {
			t.Errorf("a line wider than the terminal's 40 columns less one: %q", line)
		}
	}
	if !strings.HasSuffix(got, "\x1b[1F\x1b[J") {
		t.Errorf("Close left the live line of a.star: %q", got)
	}
}
