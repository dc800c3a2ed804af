package runtime

import (
	"bytes"
	"sync"
	"time"
)

// liveDelay is how long a command runs before its output is shown as it
// arrives: quick commands stay quiet, long ones show their progress.
const liveDelay = 2 * time.Second

// maxHeldLines bounds the lines held back before a command turns long.
const maxHeldLines = 200

// liveOutput receives a running command's output from the engine and
// writes it to the log line by line once the command has run for
// liveDelay.
type liveOutput struct {
	mu        sync.Mutex
	log       *Log
	machine   string
	partial   []byte
	held      []string
	streaming bool
	finished  bool
	timer     *time.Timer
}

func newLiveOutput(log *Log, machine string) *liveOutput {
	l := &liveOutput{log: log, machine: machine}
	l.timer = time.AfterFunc(liveDelay, l.startStreaming)
	return l
}

func (l *liveOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.emit(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

// emit shows a line, or holds it back while the command is young.
func (l *liveOutput) emit(line string) {
	if l.streaming {
		l.log.write(l.machine, line, "output")
		return
	}
	if len(l.held) == maxHeldLines {
		l.held = l.held[1:]
	}
	l.held = append(l.held, line)
}

func (l *liveOutput) startStreaming() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.finished {
		return
	}
	l.streaming = true
	for _, line := range l.held {
		l.log.write(l.machine, line, "output")
	}
	l.held = nil
}

// done ends the command: a streamed command's last partial line is shown.
func (l *liveOutput) done() {
	l.timer.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.finished = true
	if l.streaming && len(l.partial) > 0 {
		l.log.write(l.machine, string(l.partial), "output")
	}
}
