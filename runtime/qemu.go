package runtime

import (
	"fmt"
	"os"
	"sync"

	"github.com/vmt-dev/vmt/qemu"
)

// QEMU is the backend of `vmt run`: machines and VLAN switches of package
// qemu. Machine state lives in TmpDir ("" for the system's temporary
// directory) as vm-state-NAME, the NixOS driver's layout, so that
// KeepState finds it again; switches live in a directory of their own.
type QEMU struct {
	TmpDir    string
	KeepState bool

	mu        sync.Mutex
	switchDir string
	switches  map[int]*qemu.VLAN
}

// NewMachine makes a machine from a start script or a declaration.
func (q *QEMU) NewMachine(spec MachineSpec, log EngineLogger) (Engine, error) {
	cfg := qemu.Config{Name: spec.Name, StartScript: spec.StartScript, TmpDir: q.TmpDir, Log: log}
	if d := spec.Declared; d != nil {
		for _, nr := range d.VLANs {
			if _, err := q.vlan(nr); err != nil {
				return nil, err
			}
		}
		q.mu.Lock()
		var err error
		cfg, err = d.Config(q.TmpDir, spec.Index, q.switches, log)
		q.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	cfg.KeepState = q.KeepState || spec.KeepState
	cfg.AllowReboot = spec.AllowReboot
	m, err := qemu.New(cfg)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// NewVLan starts the switch of VLAN nr. NixOS start scripts find it
// through QEMU_VDE_SOCKET_<nr>, which machines inherit from vmt.
func (q *QEMU) NewVLan(nr int, _ EngineLogger) (VLanEngine, error) {
	v, err := q.vlan(nr)
	if err != nil {
		return nil, err
	}
	return qemuVLan{v}, nil
}

// vlan returns the switch of VLAN nr, starting it on first use.
func (q *QEMU) vlan(nr int) (*qemu.VLAN, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if v, ok := q.switches[nr]; ok {
		return v, nil
	}
	if q.switchDir == "" {
		dir, err := os.MkdirTemp(q.TmpDir, "vmt-vlans-")
		if err != nil {
			return nil, fmt.Errorf("vlan %d: %w", nr, err)
		}
		q.switchDir = dir
		q.switches = map[int]*qemu.VLAN{}
	}
	v, err := qemu.StartVLAN(nr, q.switchDir)
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

// Release stops the switches.
func (q *QEMU) Release() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for nr, v := range q.switches {
		v.Stop()
		delete(q.switches, nr)
	}
	if q.switchDir == "" {
		return nil
	}
	err := os.RemoveAll(q.switchDir)
	q.switchDir = ""
	return err
}

type qemuVLan struct{ v *qemu.VLAN }

func (v qemuVLan) SocketDir() string { return v.v.Dir }
