package qemu

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// prepareLocked creates the directories and disks the command line refers to.
func (m *Machine) prepareLocked() error {
	for _, d := range m.cfg.MakeDirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("machine %s: %w", m.cfg.Name, err)
		}
	}
	for _, d := range m.cfg.Disks {
		if _, err := os.Stat(d.Path); err == nil {
			continue
		}
		args := []string{"create", "-q", "-f", "qcow2"}
		if d.Backing != "" {
			backing, err := filepath.Abs(d.Backing)
			if err != nil {
				return err
			}
			format := d.BackingFormat
			if format == "" {
				format = "raw"
				if strings.HasSuffix(backing, ".qcow2") {
					format = "qcow2"
				}
			}
			args = append(args, "-b", backing, "-F", format, d.Path)
		} else {
			args = append(args, d.Path, strconv.Itoa(d.SizeMB)+"M")
		}
		if out, err := exec.Command("qemu-img", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("machine %s: creating disk %s: qemu-img: %v: %s (is qemu-utils installed?)", m.cfg.Name, d.Path, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// disksFresh reports whether none of the machine's disks exists yet: a
// snapshot's guest has seen them empty.
func (m *Machine) disksFresh() bool {
	if m.restarting {
		return true
	}
	if m.cfg.StartScript != "" {
		// The script makes its disks: only the run's first start finds none.
		return !m.started && !m.cfg.KeepState
	}
	for _, d := range m.cfg.Disks {
		if fileExists(d.Path) {
			return false
		}
	}
	return true
}
