package runtime

import (
	"fmt"
	"os"
	"sync"

	"github.com/vmt-dev/vmt/qemu"
)

// QEMU is the backend of `vmt run`: machines and VLAN switches of package
// qemu, all in one private run directory (qemu.RunDir) under TmpDir (""
// for the system's temporary directory), made on first use and removed by
// Release. With KeepState, or a machine's own keep_machine_state, the
// machine's state dir is the one kept across runs.
type QEMU struct {
	TmpDir    string
	KeepState bool

	mu       sync.Mutex
	run      *qemu.RunDir
	switches map[int]*qemu.VLAN
}

// NewMachine makes a machine from a start script or a declaration.
func (q *QEMU) NewMachine(spec MachineSpec, log EngineLogger) (Engine, error) {
	q.mu.Lock()
	run, err := q.runDirLocked()
	q.mu.Unlock()
	if err != nil {
		return nil, err
	}
	keep := q.KeepState || spec.KeepState
	if keep {
		if err := run.KeepState(spec.Name); err != nil {
			return nil, err
		}
	}
	cfg := qemu.Config{Name: spec.Name, StartScript: spec.StartScript, TmpDir: run.Path, Log: log}
	if d := spec.Declared; d != nil {
		for _, nr := range d.VLANs {
			if _, err := q.vlan(nr); err != nil {
				return nil, err
			}
		}
		q.mu.Lock()
		cfg, err = d.Config(run.Path, spec.Index, q.switches, log)
		q.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	cfg.KeepState = keep
	cfg.AllowReboot = spec.AllowReboot
	cfg.BootTimeout = spec.BootTimeout
	m, err := qemu.New(cfg)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewVLAN starts the switch of VLAN nr. NixOS start scripts find it
// through QEMU_VDE_SOCKET_<nr>, which machines inherit from vmt.
func (q *QEMU) NewVLAN(nr int, _ EngineLogger) (VLANEngine, error) {
	v, err := q.vlan(nr)
	if err != nil {
		return nil, err
	}
	return qemuVLAN{v}, nil
}

// runDirLocked returns the run dir, making it on first use.
func (q *QEMU) runDirLocked() (*qemu.RunDir, error) {
	if q.run == nil {
		run, err := qemu.NewRunDir(q.TmpDir)
		if err != nil {
			return nil, err
		}
		q.run = run
		q.switches = map[int]*qemu.VLAN{}
	}
	return q.run, nil
}

// vlan returns the switch of VLAN nr, starting it on first use.
func (q *QEMU) vlan(nr int) (*qemu.VLAN, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if v, ok := q.switches[nr]; ok {
		return v, nil
	}
	run, err := q.runDirLocked()
	if err != nil {
		return nil, fmt.Errorf("vlan %d: %w", nr, err)
	}
	v, err := qemu.StartVLAN(nr, run.Path)
	if err != nil {
		return nil, err
	}
	if err := os.Setenv(fmt.Sprintf("QEMU_VDE_SOCKET_%d", nr), v.Dir); err != nil {
		v.Stop()
		return nil, fmt.Errorf("vlan %d: %w", nr, err)
	}
	q.switches[nr] = v
	return v, nil
}

// Release stops the switches and removes the run dir; the driver calls it
// after releasing the machines.
func (q *QEMU) Release() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for nr, v := range q.switches {
		v.Stop()
		delete(q.switches, nr)
	}
	if q.run == nil {
		return nil
	}
	err := q.run.Remove()
	q.run = nil
	return err
}

type qemuVLAN struct{ v *qemu.VLAN }

func (v qemuVLAN) SocketDir() string { return v.v.Dir }
