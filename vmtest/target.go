package vmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vmt-dev/vmt/qemu"
	"github.com/vmt-dev/vmt/qemu/guest"
)

// ImageWorkdir is where an image target's guest finds the working
// directory, as with vmtest.
const ImageWorkdir = "/mnt/vmtest"

// Check finds what would stop target from booting, before anything boots:
// missing files, an unknown architecture, a working directory that the
// root file system lacks.
func (t Target) Check(workdir string) error {
	what := func(format string, args ...any) error {
		if t.Line > 0 {
			return fmt.Errorf("target %s (line %d): %s", t.Name, t.Line, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("target %s: %s", t.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case t.Kernel == "" && t.Image == "":
		return what("give a kernel (-k, kernel=) or a disk image (-i, image=)")
	case t.Kernel != "" && t.Image != "":
		return what("give a kernel or a disk image, not both")
	case t.Command == "":
		return what("no command to run")
	}
	if t.Arch != "" && t.Arch != guest.ArchX86_64 && t.Arch != guest.ArchAArch64 {
		return what("architecture %q is not supported: use %s or %s", t.Arch, guest.ArchX86_64, guest.ArchAArch64)
	}
	if err := t.checkQEMU(); err != nil {
		return what("%v", err)
	}
	for _, f := range []struct{ what, path string }{{"kernel", t.Kernel}, {"image", t.Image}, {"bios", t.VM.BIOS}} {
		if f.path == "" {
			continue
		}
		fi, err := os.Stat(f.path)
		switch {
		case err != nil:
			return what("%s %s: %v", f.what, f.path, errorText(err))
		case fi.IsDir():
			return what("%s %s is a directory, not a file", f.what, f.path)
		}
	}
	for _, m := range t.VM.Mounts {
		if fi, err := os.Stat(m.HostPath); err != nil || !fi.IsDir() {
			return what("mount %s: host_path %s is not a directory", m.GuestPath, m.HostPath)
		}
	}
	if t.Kernel == "" {
		return nil
	}
	if fi, err := os.Stat(t.RootFS); err != nil || !fi.IsDir() {
		return what("root file system %s is not a directory", t.RootFS)
	}
	// The root is read-only: mount points must be there already.
	inRoot := filepath.Join(t.RootFS, workdir)
	if fi, err := os.Stat(inRoot); err != nil || !fi.IsDir() {
		return what("the working directory %s is mounted at the same path in the guest, but the root file system %s has no directory %s to mount it on: create it", workdir, t.RootFS, inRoot)
	}
	for _, m := range t.VM.Mounts {
		inRoot := filepath.Join(t.RootFS, m.GuestPath)
		if fi, err := os.Stat(inRoot); err != nil || !fi.IsDir() {
			return what("mount %s: the root file system %s has no directory %s to mount it on (it is read-only in the guest): create it, or mount elsewhere", m.GuestPath, t.RootFS, inRoot)
		}
	}
	return nil
}

// checkQEMU finds the target's QEMU binary, saying which package has it.
func (t Target) checkQEMU() error {
	arch := t.Arch
	if arch == "" {
		arch = guest.HostArch()
	}
	binary := t.QEMUCommand
	switch {
	case binary != "":
	case arch == guest.HostArch():
		binary = qemu.Binary()
	default:
		binary = "qemu-system-" + arch
	}
	if _, err := exec.LookPath(binary); err != nil {
		pkg := map[string]string{guest.ArchX86_64: "qemu-system-x86", guest.ArchAArch64: "qemu-system-arm"}[arch]
		return fmt.Errorf("QEMU binary %s not found: install it (Debian: apt-get install %s) or name one with -q/qemu_command", binary, pkg)
	}
	return nil
}

// errorText is an error without the path that the caller names already.
func errorText(err error) string {
	if os.IsNotExist(err) {
		return "no such file"
	}
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Spec is the machine of target: a kernel target boots with its root
// file system over 9p and the working directory writable at its own path;
// an image target boots its disk, the working directory at ImageWorkdir.
//
// CPUs and memory not given are vmtest's defaults, 2 and 4 GiB, under KVM;
// under TCG 1 and 1 GiB: there each vCPU and GiB slows the boot (on two
// host cores, 2 vCPUs took 18 s where 1 took 12.5 s; 4 GiB 11.7 s where
// 256 MiB took 9.1 s).
func (t Target) Spec(name, workdir string, net bool) qemu.Spec {
	cpus, mem := 2, 4096
	if accel, _ := qemu.Accel(); accel == qemu.AccelTCG || (t.Arch != "" && t.Arch != guest.HostArch()) {
		cpus, mem = 1, 1024
	}
	if t.VM.NumCPUs > 0 {
		cpus = t.VM.NumCPUs
	}
	if t.VM.MemoryMB > 0 {
		mem = t.VM.MemoryMB
	}
	s := qemu.Spec{
		Name:         name,
		Cores:        cpus,
		MemoryMB:     mem,
		Arch:         t.Arch,
		QEMUBinary:   t.QEMUCommand,
		QEMUFlags:    t.VM.ExtraArgs,
		KernelParams: strings.Fields(t.KernelArgs),
		NoNetwork:    !net,
		UEFI:         t.UEFI,
		BIOS:         t.VM.BIOS,
	}
	if t.Kernel != "" {
		s.Kernel, s.RootFS = t.Kernel, t.RootFS
		s.SharedDirs = append(s.SharedDirs, qemu.SharedDir{Source: workdir, Target: workdir})
	} else {
		s.DiskImage = t.Image
		s.SharedDirs = append(s.SharedDirs, qemu.SharedDir{Source: workdir, Target: ImageWorkdir})
	}
	for _, m := range t.VM.Mounts {
		s.SharedDirs = append(s.SharedDirs, qemu.SharedDir{Source: m.HostPath, Target: m.GuestPath, ReadOnly: !m.Writable})
	}
	return s
}

// shellCommand is the line the guest's shell runs: for a kernel target in
// the working directory, with the caller's PATH, HOME and TERM; for an
// image target in ImageWorkdir when the guest mounted it. As vmtest, it
// runs the command with bash (sh when the guest has none), its standard
// error joined to its output.
func (t Target) shellCommand(workdir string, env Env) string {
	run := fmt.Sprintf("{ if command -v bash >/dev/null; then exec bash -c %[1]s; fi; eval %[1]s; } 2>&1", quote(t.Command))
	if t.Image != "" {
		return "cd " + ImageWorkdir + " 2>/dev/null; " + run
	}
	return fmt.Sprintf("cd %s && export PATH=%s HOME=%s TERM=%s && %s",
		quote(workdir), quote(env.Path), quote(env.Home), quote(env.Term), run)
}

// Env is what of the caller's environment the command gets.
type Env struct {
	Path, Home, Term string
}

// CallerEnv reads PATH, HOME and TERM, with defaults for those unset.
func CallerEnv() Env {
	e := Env{Path: os.Getenv("PATH"), Home: os.Getenv("HOME"), Term: os.Getenv("TERM")}
	if e.Path == "" {
		e.Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if e.Home == "" {
		e.Home = "/root"
	}
	if e.Term == "" {
		e.Term = "dumb"
	}
	return e
}

// quote quotes s for a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// machineName makes a target name fit for a machine (a state directory
// and socket paths): letters, digits, '-' and '_', at most 32 bytes.
func machineName(target string, i int) string {
	var b strings.Builder
	for _, r := range target {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := b.String()
	if len(name) > 28 {
		name = name[:28]
	}
	return fmt.Sprintf("%s-%d", name, i)
}
