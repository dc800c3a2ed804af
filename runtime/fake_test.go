package runtime

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeEngine is a machine whose guest is a table of command results, for
// testing the driver's own logic (logs, reports, deadlines) quickly: an
// Engine that runs GuestCommands, and nothing else.
type fakeEngine struct {
	name string
	log  *Log

	mu       sync.Mutex
	booted   bool
	commands []string
	released bool
}

// fakeResults maps a command to its exit status and output; "hang" never
// ends by itself, "serial:TEXT" prints TEXT on the console, and anything
// else exits 0 with no output.
func fakeResult(command string) (int, string, bool) {
	switch {
	case command == "hang":
		return 0, "", true
	case command == "false":
		return 1, "", false
	case strings.HasPrefix(command, "echo "):
		return 0, strings.TrimPrefix(command, "echo ") + "\n", false
	case strings.HasPrefix(command, "exit "):
		var status int
		fmt.Sscan(strings.TrimPrefix(command, "exit "), &status)
		return status, "line 1\nline 2\nlast line\n", false
	}
	return 0, "", false
}

var (
	_ Engine        = (*fakeEngine)(nil)
	_ GuestCommands = (*fakeEngine)(nil)
)

func (f *fakeEngine) Start() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.booted = true
	return nil
}
func (f *fakeEngine) Booted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.booted
}
func (f *fakeEngine) Release() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.booted, f.released = false, true
	return nil
}

func (f *fakeEngine) Connect(context.Context) error { return f.Start() }
func (f *fakeEngine) IsUp() bool                    { return f.Booted() }
func (f *fakeEngine) ExpectReconnect()              {}

func (f *fakeEngine) Execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	f.Start()
	f.mu.Lock()
	f.commands = append(f.commands, command)
	f.mu.Unlock()
	if text, ok := strings.CutPrefix(command, "serial:"); ok {
		f.log.Serial(f.name, text)
		return 0, nil, nil
	}
	status, out, hang := fakeResult(command)
	if hang {
		var expired <-chan time.Time
		if timeout > 0 {
			expired = time.After(timeout)
		}
		select {
		case <-ctx.Done():
			return -1, nil, fmt.Errorf("machine %s: command %q: %w", f.name, command, ctx.Err())
		case <-expired:
			return -1, nil, fmt.Errorf("machine %s: command %q: %w after %s", f.name, command, ErrTimeout, timeout)
		}
	}
	if live != nil {
		live.Write([]byte(out))
	}
	return status, []byte(out), nil
}

// fakeBackend makes fake machines and remembers them.
type fakeBackend struct {
	// withRoles, if set, gives a fake machine the roles a test needs
	// beyond the fake's.
	withRoles func(*fakeEngine) Engine

	mu       sync.Mutex
	machines []*fakeEngine
}

func (b *fakeBackend) NewMachine(spec MachineSpec, log *Log) (Engine, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := &fakeEngine{name: spec.Name, log: log}
	b.machines = append(b.machines, f)
	if b.withRoles != nil {
		return b.withRoles(f), nil
	}
	return f, nil
}

func (b *fakeBackend) NewVLAN(nr int) (VLANEngine, error) {
	return dirVLAN(fmt.Sprintf("/vlan%d", nr)), nil
}

func (b *fakeBackend) Release() error { return nil }

// allReleased reports whether every machine made was released.
func (b *fakeBackend) allReleased() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.machines {
		m.mu.Lock()
		released := m.released
		m.mu.Unlock()
		if !released {
			return false
		}
	}
	return true
}

// dirVLAN is a VLAN that is only a directory name.
type dirVLAN string

func (v dirVLAN) SocketDir() string { return string(v) }

// fakeRun runs a script against fake machines and returns the error, the
// terminal log and the backend.
func fakeRun(t *testing.T, src string, edit func(*Options)) (error, string, *fakeBackend) {
	t.Helper()
	var term strings.Builder
	backend := &fakeBackend{}
	opts := Options{
		Script:    "test.star",
		Source:    []byte(src),
		Machines:  []MachineSpec{{Name: "alpha"}},
		OutputDir: t.TempDir(),
		Terminal:  &lockedWriter{w: &term},
		Backend:   backend,
	}
	if edit != nil {
		edit(&opts)
	}
	err := Run(t.Context(), opts)
	return err, term.String(), backend
}

// lockedWriter lets a test read what the log wrote from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
