package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
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
	// NoSnapshot boots machines on every start instead of restoring the
	// snapshot of their boot (qemu.Spec.NoSnapshot, qemu.Config.Snapshots).
	NoSnapshot bool

	mu       sync.Mutex
	run      *qemu.RunDir
	switches map[int]*qemu.VLAN
}

// NewMachine makes a machine from a start script or a declaration.
func (q *QEMU) NewMachine(spec MachineSpec, log *Log) (Engine, error) {
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
	if spec.Declared == nil && !q.NoSnapshot {
		if cfg.Snapshots, err = qemu.SnapshotDir(); err != nil {
			return nil, fmt.Errorf("machine %s: %w", spec.Name, err)
		}
	}
	if d := spec.Declared; d != nil {
		for _, nr := range d.VLANs {
			if _, err := q.vlan(nr); err != nil {
				return nil, err
			}
		}
		s := qemuSpec(spec.Name, d)
		s.NoSnapshot = q.NoSnapshot
		q.mu.Lock()
		cfg, err = s.Config(run.Path, spec.Index, q.switches, log)
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
	return qemuMachine{m}, nil
}

// qemuSpec is the engine's spec of a declared machine.
func qemuSpec(name string, d *Declaration) qemu.Spec {
	s := qemu.Spec{
		Name: name, MemoryMB: d.MemoryMB, Cores: d.Cores,
		Kernel: d.Kernel, Initrd: d.Initrd, KernelParams: d.KernelParams,
		DiskImage: d.DiskImage, EmptyDisks: d.EmptyDisks, VLANs: d.VLANs,
		QEMUFlags: d.QEMUFlags, RootFS: d.RootFS, Arch: d.Arch,
	}
	for _, dir := range d.SharedDirs {
		s.SharedDirs = append(s.SharedDirs, qemu.SharedDir{Source: dir.HostPath, Target: dir.GuestPath})
	}
	for _, p := range d.ForwardPorts {
		s.ForwardPorts = append(s.ForwardPorts, qemu.PortForward{HostPort: p.HostPort, GuestPort: p.GuestPort})
	}
	return s
}

// NewVLAN starts the switch of VLAN nr. NixOS start scripts find it
// through QEMU_VDE_SOCKET_<nr>, which machines inherit from vmt.
func (q *QEMU) NewVLAN(nr int) (VLANEngine, error) {
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

// qemuMachine is a machine of package qemu in every role of the runtime;
// what crosses the boundary with a type of package qemu (monitor events,
// attached terminals, timeouts) is converted here.
type qemuMachine struct{ *qemu.Machine }

var (
	_ Engine        = qemuMachine{}
	_ Power         = qemuMachine{}
	_ GuestCommands = qemuMachine{}
	_ Console       = qemuMachine{}
	_ Monitor       = qemuMachine{}
	_ Network       = qemuMachine{}
	_ Screen        = qemuMachine{}
	_ HostDirs      = qemuMachine{}
	_ Terminals     = qemuMachine{}
	_ qemu.Logger   = (*Log)(nil)
)

func (m qemuMachine) Connect(ctx context.Context) error {
	return runtimeError(m.Machine.Connect(ctx))
}

func (m qemuMachine) Execute(ctx context.Context, command string, timeout time.Duration, live io.Writer) (int, []byte, error) {
	status, out, err := m.Machine.Execute(ctx, command, timeout, live)
	return status, out, runtimeError(err)
}

func (m qemuMachine) WaitForConsoleText(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error) {
	text, err := m.Machine.WaitForConsoleText(ctx, re, timeout)
	return text, runtimeError(err)
}

func (m qemuMachine) WaitForMonitorEvent(ctx context.Context, timeout time.Duration) (MonitorEvent, error) {
	e, err := m.WaitForQMPEvent(ctx, func(qmp.Event) bool { return true }, timeout)
	if err != nil {
		return MonitorEvent{}, runtimeError(err)
	}
	return MonitorEvent{
		Name: e.Event,
		Data: e.Data,
		Time: time.Unix(e.Timestamp.Seconds, e.Timestamp.Microseconds*int64(time.Microsecond)),
	}, nil
}

func (m qemuMachine) Attach(ctx context.Context, opts AttachOptions) (AttachedTerminal, error) {
	a, err := m.Machine.Attach(ctx, qemu.AttachOptions{Command: opts.Command, Rows: opts.Rows, Cols: opts.Cols, Term: opts.Term})
	if err != nil {
		return nil, err // not a nil *qemu.Attachment in a non-nil interface
	}
	return a, nil
}

// runtimeError makes the engine's timeouts the runtime's ErrTimeout.
func runtimeError(err error) error {
	if errors.Is(err, qemu.ErrTimeout) {
		return qemuTimeout{err}
	}
	return err
}

// qemuTimeout is an error of package qemu that is a timeout.
type qemuTimeout struct{ error }

func (e qemuTimeout) Is(target error) bool { return target == ErrTimeout }
func (e qemuTimeout) Unwrap() error        { return e.error }
