//go:build integration

package runtime

import (
	"sync"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// sharedGuests are the guests booted once for all the script cases: a
// boot costs seconds under TCG, a command milliseconds.
var sharedGuests = []string{"alpha", "beta"}

// guestPool holds the shared guests.
type guestPool struct {
	t      *testing.T
	logger *switchLogger

	mu       sync.Mutex
	machines map[string]*qemu.Machine
	systemd  systemdGuests
}

// newGuestPool starts the shared guests; they boot while the first cases
// run.
func newGuestPool(t *testing.T) *guestPool {
	p := &guestPool{t: t, logger: &switchLogger{}, machines: map[string]*qemu.Machine{}}
	t.Cleanup(func() {
		for _, m := range p.machines {
			m.Release()
		}
		p.releaseSystemd()
	})
	for i, name := range sharedGuests {
		cfg, err := qemutest.Spec(t, name).Config(qemutest.TempDir(t), i+1, nil, p.logger)
		if err != nil {
			t.Fatal(err)
		}
		m, err := qemu.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		p.machines[name] = m
	}
	return p
}

func (p *guestPool) image() guest.Image { return qemutest.Image(p.t) }

// caseBackend gives a case the shared guests for the machines given to
// its run, and makes everything else (declared machines, start scripts,
// VLANs) with the production backend.
type caseBackend struct {
	pool  *guestPool
	fresh *QEMU
}

func (p *guestPool) backend(t *testing.T) *caseBackend {
	return &caseBackend{pool: p, fresh: &QEMU{TmpDir: qemutest.TempDir(t)}}
}

func (b *caseBackend) NewMachine(spec MachineSpec, log *Log) (Engine, error) {
	if eng, ok, err := b.pool.sharedSystemd(spec); ok {
		if err == nil {
			b.pool.logger.set(log)
		}
		return eng, err
	}
	shared, ok := b.pool.machines[spec.Name]
	if !ok || spec.Declared != nil || spec.StartScript != "" || spec.AllowReboot {
		return b.fresh.NewMachine(spec, log)
	}
	b.pool.logger.set(log)
	return sharedEngine{qemuMachine{shared}}, nil
}

func (b *caseBackend) NewVLAN(nr int) (VLANEngine, error) {
	return b.fresh.NewVLAN(nr)
}

func (b *caseBackend) Release() error { return b.fresh.Release() }

// sharedEngine keeps a shared guest running when a case releases it.
type sharedEngine struct{ qemuMachine }

func (sharedEngine) Release() error { return nil }

// switchLogger sends the shared guests' messages to the log of the case
// that runs.
type switchLogger struct {
	mu  sync.Mutex
	log *Log
}

func (s *switchLogger) set(log *Log) {
	s.mu.Lock()
	s.log = log
	s.mu.Unlock()
}

func (s *switchLogger) Log(machine, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log != nil {
		s.log.Log(machine, msg)
	}
}

func (s *switchLogger) Serial(machine, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log != nil {
		s.log.Serial(machine, line)
	}
}
