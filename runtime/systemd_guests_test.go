//go:build integration

package runtime

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/qemutest"
)

// Cases that need systemd itself get machines of the Debian systemd guest
// (package qemu/systemdguest) with `# harness: systemd=NAME,...`: the
// harness writes a NixOS-style start script for each (qemutest.
// SystemdStartScript, the machine's index its position in the list) and
// the run gets them as its start-script machines. A case with `vlans=`
// boots its own machines, plugged into its switches; the others share one
// machine per name, booted by the first case that uses it and kept
// running until the end of its testdata file (a boot costs ~17 s under
// TCG), as the busybox guests are shared. The shared machines allow
// reboots (QEMU without -no-reboot), as start(allow_reboot=True) would
// make them: reboot() reboots them in place.

// systemdGuests are the shared systemd machines of the file that runs.
type systemdGuests struct {
	mu       sync.Mutex
	dir      string
	scripts  map[string]string        // name → start script
	machines map[string]*qemu.Machine // start script → machine
	owners   map[string]string        // start script → name
}

// systemdSpecs returns the run's machines for the case's systemd= names.
func (p *guestPool) systemdSpecs(t *testing.T, c scriptCase) []MachineSpec {
	var specs []MachineSpec
	for i, name := range c.opts.systemd {
		var script string
		if len(c.opts.vlans) > 0 {
			script = qemutest.SystemdStartScriptWith(t, t.TempDir(), name, i+1, c.opts.systemd, c.opts.vlans...)
		} else {
			script = p.systemdScript(t, name, i+1)
		}
		specs = append(specs, MachineSpec{Name: name, StartScript: script})
	}
	return specs
}

// systemdScript writes the start script of the shared machine name once.
func (p *guestPool) systemdScript(t *testing.T, name string, index int) string {
	s := &p.systemd
	s.mu.Lock()
	defer s.mu.Unlock()
	if script, ok := s.scripts[name]; ok {
		return script
	}
	if s.dir == "" {
		s.dir = qemutest.TempDir(p.t)
		p.t.Cleanup(p.releaseSystemd) // before the dir goes
		s.scripts, s.machines, s.owners = map[string]string{}, map[string]*qemu.Machine{}, map[string]string{}
	}
	dir := filepath.Join(s.dir, "scripts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := qemutest.SystemdStartScript(t, dir, name, index)
	s.scripts[name] = script
	s.owners[script] = name
	return script
}

// sharedSystemd returns the shared machine of a start script the harness
// wrote, booting it on first use; ok is false for any other spec.
func (p *guestPool) sharedSystemd(spec MachineSpec) (eng Engine, ok bool, err error) {
	s := &p.systemd
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := s.owners[spec.StartScript]
	if !ok || spec.Declared != nil || name != spec.Name {
		return nil, false, nil
	}
	m, ok := s.machines[spec.StartScript]
	if !ok {
		m, err = qemu.New(qemu.Config{Name: name, StartScript: spec.StartScript, TmpDir: s.dir, Log: p.logger, BootTimeout: spec.BootTimeout, AllowReboot: true})
		if err != nil {
			return nil, true, err
		}
		s.machines[spec.StartScript] = m
	}
	return sharedEngine{qemuMachine{m}}, true, nil
}

// releaseSystemd stops the shared systemd machines; the next file that
// asks for one boots it again.
func (p *guestPool) releaseSystemd() {
	s := &p.systemd
	s.mu.Lock()
	defer s.mu.Unlock()
	for script, m := range s.machines {
		m.Release()
		delete(s.machines, script)
	}
}
