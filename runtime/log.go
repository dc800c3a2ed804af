package runtime

import (
	"sync"
	"sync/atomic"
	"time"
)

// logSink renders the test log in one format (terminal, XML).
type logSink interface {
	// begin opens a nested step.
	begin(machine, msg string)
	// end closes the innermost step; err is nil when it succeeded.
	end(machine, msg string, took time.Duration, err error)
	// line is one message; kind is "" for plain messages, "serial" for a
	// serial console line, "output" for command output and "error" for
	// a failure report.
	line(machine, msg, kind string)
	close() error
}

// Log is the test log: nested, timed steps and messages, most of them
// prefixed with a machine name, written to every sink at once. It receives
// the engine's messages and serial lines from other goroutines.
type Log struct {
	mu     sync.Mutex
	sinks  []logSink
	steps  []*step
	serial atomic.Bool // print serial lines on the terminal
}

// step is an open nested step.
type step struct {
	log     *Log
	machine string
	msg     string
	began   time.Time
}

func newLog(sinks ...logSink) *Log {
	l := &Log{sinks: sinks}
	l.serial.Store(true)
	return l
}

// Log is an engine message about a machine.
func (l *Log) Log(machine, msg string) { l.Line(machine, msg) }

// Serial is a line the machine printed on its serial console.
func (l *Log) Serial(machine, line string) { l.write(machine, line, "serial") }

// Line writes a message.
func (l *Log) Line(machine, msg string) { l.write(machine, msg, "") }

func (l *Log) write(machine, msg, kind string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sinks {
		if kind == "serial" && !l.serial.Load() {
			if _, ok := s.(*terminalLog); ok {
				continue
			}
		}
		s.line(machine, msg, kind)
	}
}

// Nest opens a step; its end is logged with its duration by step.end.
func (l *Log) Nest(machine, msg string) *step {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &step{log: l, machine: machine, msg: msg, began: time.Now()}
	l.steps = append(l.steps, s)
	for _, sink := range l.sinks {
		sink.begin(machine, msg)
	}
	return s
}

// end closes the step and every step opened inside it that is still open.
func (s *step) end(err error) {
	l := s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.steps) - 1; i >= 0; i-- {
		if l.steps[i] != s {
			continue
		}
		for j := len(l.steps) - 1; j >= i; j-- {
			open := l.steps[j]
			for _, sink := range l.sinks {
				sink.end(open.machine, open.msg, time.Since(open.began), err)
			}
		}
		l.steps = l.steps[:i]
		return
	}
}

// current describes the innermost open step, for messages about what was
// running when the test was stopped.
func (l *Log) current() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.steps) == 0 {
		return ""
	}
	s := l.steps[len(l.steps)-1]
	return prefixed(s.machine, s.msg)
}

func (l *Log) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first error
	for _, s := range l.sinks {
		if err := s.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// prefixed is a message with its machine's name in front, when it has one.
func prefixed(machine, msg string) string {
	if machine == "" {
		return msg
	}
	return machine + ": " + msg
}
