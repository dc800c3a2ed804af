package qemu

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
)

// Snapshots of start-script machines. vmt does not see the QEMU command
// line a start script builds, so the run's first start of such a machine
// runs the script once with QEMU paused (-S) and reads the command line of
// the QEMU it started from /proc: that command line names the snapshot
// (as a declared machine's does), gives the size its RAM file must have,
// and names the files of the run the script made in the state dir (its
// disk overlay). A snapshot keeps those files as the guest left them, and
// a restore puts them back before the script runs, so the script finds
// its disk and leaves it alone. Every start with a plan is checked: the
// QEMU the script really runs must have the probe's command line, and the
// files put back must be the ones QEMU opened.
//
// The command line read is noted beside the snapshots under a hash of the
// script, its arguments and its environment (scriptNote): later runs start
// without a probe. Should the script build another command line since,
// the check says so, and the machine starts again after a probe.

// scriptQEMU is the QEMU command line a start script runs.
type scriptQEMU struct {
	binary string   // absolute, as /proc/PID/exe gives it
	args   []string // the script's own arguments, without the engine's
	memory int64    // bytes of guest RAM (-m)
	// runFiles are the regular files of the state dir the command line
	// names, relative to it: what the script made for this run.
	runFiles []string
	// backing are the images below the run files (a disk overlay's root
	// image): the snapshot depends on them as on the files QEMU names.
	backing []string
	// noted is set when this came from the note of an earlier run.
	noted bool
}

// scriptProbeTimeout bounds the probe's wait for QEMU's pid file.
const scriptProbeTimeout = 20 * time.Second

// scriptQEMULocked probes the start script once per machine (see above).
// It holds m.mu.
func (m *Machine) scriptQEMULocked() (*scriptQEMU, error) {
	if m.script != nil {
		return m.script, nil
	}
	note := m.scriptNotePath()
	if q := readScriptNote(note, m.cfg); q != nil {
		m.script = q
		return q, nil
	}
	q, err := m.probeScriptLocked()
	if err != nil {
		return nil, err
	}
	writeScriptNote(note, q, m.cfg)
	m.script = q
	return q, nil
}

// probeScriptLocked runs the start script with QEMU paused and reads the
// command line of its QEMU.
func (m *Machine) probeScriptLocked() (*scriptQEMU, error) {
	began := time.Now()
	defer func() {
		m.logf("snapshot: ran the start script with QEMU paused (%.2f s)", time.Since(began).Seconds())
	}()
	state := m.cfg.stateDir()
	pidfile := filepath.Join(state, "probe.pid")
	os.Remove(pidfile)
	probe := []string{"-S", "-display", "none", "-pidfile", pidfile}
	cmd := m.commandWith(probe)
	var out tailBuffer
	out.max = 4096
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := reaper.Start(cmd); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	pid, err := waitPIDFile(pidfile, exited, scriptProbeTimeout)
	var argv []string
	var binary string
	if err == nil {
		argv, binary, err = processCommand(pid)
	}
	reaper.Stop(cmd.Process.Pid)
	<-exited
	os.Remove(pidfile)
	if err != nil {
		if s := strings.TrimSpace(out.String()); s != "" {
			err = fmt.Errorf("%w: %s", err, s)
		}
		return nil, fmt.Errorf("running the start script with QEMU paused: %w", err)
	}
	own := len(argv) - 1 - len(probe)
	if own < 0 || !slices.Equal(argv[1+own:], probe) {
		return nil, fmt.Errorf("the start script does not pass its arguments to QEMU last (QEMU ran: %s)", strings.Join(argv, " "))
	}
	q, err := parseScriptQEMU(binary, argv[1:1+own], m.cfg)
	if err != nil {
		return nil, err
	}
	// The probe made them: the start that follows finds none, as a
	// start without a probe would, or the snapshot's.
	for _, f := range q.runFiles {
		os.Remove(filepath.Join(state, f))
	}
	return q, nil
}

// scriptNote is a start script's QEMU command line as a file, with the
// run's directories as placeholders.
type scriptNote struct {
	Binary   string   `json:"binary"`
	Args     []string `json:"args"`
	Memory   int64    `json:"memory"`
	RunFiles []string `json:"run_files"`
	Backing  []string `json:"backing"`
}

// scriptNotePath names the note of the machine's start script by a hash
// of the script, the machine's name, the engine's arguments and the
// script's environment; "" when the script cannot be read.
func (m *Machine) scriptNotePath() string {
	script, err := os.ReadFile(m.cfg.StartScript)
	if err != nil {
		return ""
	}
	cmd := m.commandWith(m.engineArgs())
	env := slices.Clone(cmd.Env)
	slices.Sort(env)
	h := sha256.New()
	fmt.Fprintf(h, "%q\n%q\n", script, m.cfg.Name)
	for _, a := range append(cmd.Args[1:], env...) {
		fmt.Fprintf(h, "%q\n", placeholders(a, m.cfg))
	}
	return filepath.Join(m.cfg.Snapshots, "script-"+hex.EncodeToString(h.Sum(nil))[:24]+".json")
}

// placeholders and expand turn the run's directories into placeholders
// and back.
func placeholders(s string, cfg Config) string {
	s = strings.ReplaceAll(s, cfg.SharedDir, "$SHARED")
	return strings.ReplaceAll(s, cfg.TmpDir, "$TMPDIR")
}

func expand(s string, cfg Config) string {
	s = strings.ReplaceAll(s, "$TMPDIR", cfg.TmpDir)
	return strings.ReplaceAll(s, "$SHARED", cfg.SharedDir)
}

func writeScriptNote(path string, q *scriptQEMU, cfg Config) {
	if path == "" {
		return
	}
	n := scriptNote{Binary: q.binary, Memory: q.memory, RunFiles: q.runFiles, Backing: q.backing}
	for _, a := range q.args {
		n.Args = append(n.Args, placeholders(a, cfg))
	}
	data, _ := json.Marshal(n)
	tmp := path + ".tmp-" + strconv.Itoa(os.Getpid())
	if os.MkdirAll(filepath.Dir(path), 0o755) == nil && os.WriteFile(tmp, data, 0o644) == nil {
		os.Rename(tmp, path)
	}
}

// readScriptNote returns the noted command line, nil for none.
func readScriptNote(path string, cfg Config) *scriptQEMU {
	data, err := os.ReadFile(path)
	if path == "" || err != nil {
		return nil
	}
	var n scriptNote
	if json.Unmarshal(data, &n) != nil || n.Binary == "" || n.Memory <= 0 {
		return nil
	}
	q := &scriptQEMU{binary: n.Binary, memory: n.Memory, runFiles: n.RunFiles, backing: n.Backing, noted: true}
	for _, a := range n.Args {
		q.args = append(q.args, expand(a, cfg))
	}
	return q
}

// staleNoteError says that the start script ran another QEMU command
// line than its note has: the machine starts again, after a probe.
type staleNoteError struct{ err error }

func (e *staleNoteError) Error() string { return e.err.Error() }

// startAfresh forgets the start script's command line and its note, and
// starts the machine again.
func (m *Machine) startAfresh(ctx context.Context, stale *staleNoteError) error {
	m.logf("snapshot: %v; reading the script's QEMU command line again", stale)
	m.mu.Lock()
	m.removeRunFilesLocked()
	os.Remove(m.scriptNotePath())
	m.script = nil
	m.mu.Unlock()
	if err := m.restart(ctx); err != nil {
		return err
	}
	return m.reachShell(ctx)
}

// waitPIDFile waits for QEMU to write its pid file, or the script to exit.
func waitPIDFile(path string, exited chan error, timeout time.Duration) (int, error) {
	deadline := time.After(timeout)
	for {
		if data, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
				return pid, nil
			}
		}
		select {
		case err := <-exited:
			exited <- err
			return 0, fmt.Errorf("the script exited (%s) before QEMU started", exitDesc(err))
		case <-deadline:
			return 0, fmt.Errorf("QEMU did not start within %s", timeout)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// processCommand returns the command line and the executable of process pid.
func processCommand(pid int) (argv []string, binary string, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil, "", err
	}
	binary, err = os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return nil, "", err
	}
	argv = strings.Split(string(bytes.TrimSuffix(data, []byte{0})), "\x00")
	if len(argv) == 0 || argv[0] == "" {
		return nil, "", fmt.Errorf("process %d has no command line", pid)
	}
	return argv, binary, nil
}

// parseScriptQEMU reads what a snapshot needs from a start script's QEMU
// command line, or says why the machine cannot have one.
func parseScriptQEMU(binary string, args []string, cfg Config) (*scriptQEMU, error) {
	base := filepath.Base(binary)
	if !strings.Contains(base, "x86_64") && !strings.Contains(base, "i386") {
		return nil, fmt.Errorf("%s is not an x86 QEMU: a restored guest's entropy is renewed by a vmgenid device, which only x86 has", base)
	}
	q := &scriptQEMU{binary: binary, args: args, memory: 128 << 20} // QEMU's default -m
	state := cfg.stateDir()
	for i := 0; i < len(args); i++ {
		a := args[i]
		// An option, -NAME or --NAME; anything else is a value.
		opt, _ := strings.CutPrefix(a, "-")
		if opt == a {
			opt = ""
		}
		opt = strings.TrimPrefix(opt, "-")
		switch {
		case opt == "m":
			if i+1 == len(args) {
				return nil, fmt.Errorf("-m has no value")
			}
			i++
			size, err := memorySize(args[i])
			if err != nil {
				return nil, err
			}
			q.memory = size
			continue
		case opt == "snapshot":
			return nil, fmt.Errorf("QEMU runs with -snapshot: the guest's disk writes are not kept, so a snapshot could not keep them either")
		case slices.Contains([]string{"numa", "mem-path", "incoming", "loadvm"}, opt):
			return nil, fmt.Errorf("QEMU runs with %s, which a snapshot's file-backed RAM cannot be combined with", a)
		case strings.Contains(a, "memory-backend="):
			return nil, fmt.Errorf("QEMU runs with a RAM backend of its own (%s)", a)
		case strings.Contains(a, "snapshot=on"):
			return nil, fmt.Errorf("a drive has snapshot=on (%s): its writes are not kept, so a snapshot could not keep them either", a)
		case strings.Contains(a, "qboot"):
			return nil, fmt.Errorf("QEMU boots qboot (%s), under which a guest with a vmgenid device does not start", a)
		}
		for _, field := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == '=' }) {
			if !filepath.IsAbs(field) {
				continue
			}
			field = filepath.Clean(field)
			fi, err := os.Stat(field)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			if inDir(state, field) {
				rel, _ := filepath.Rel(state, field)
				if slices.Contains(q.runFiles, rel) {
					continue
				}
				q.runFiles = append(q.runFiles, rel)
				chain, err := backingChain(field)
				if err != nil {
					return nil, err
				}
				q.backing = append(q.backing, chain...)
			} else if inDir(cfg.TmpDir, field) {
				return nil, fmt.Errorf("QEMU uses %s, a file of the run outside the machine's state dir", field)
			}
		}
	}
	return q, nil
}

// memorySize reads the RAM size of QEMU's -m option, in bytes.
func memorySize(v string) (int64, error) {
	size := ""
	for i, part := range strings.Split(v, ",") {
		key, val, ok := strings.Cut(part, "=")
		switch {
		case !ok && i == 0:
			size = part
		case key == "size":
			size = val
		case key == "slots" || key == "maxmem":
			return 0, fmt.Errorf("-m %s: memory hotplug (%s) is not supported by snapshots", v, key)
		}
	}
	units := map[string]int64{"": 1 << 20, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
	num := strings.TrimRight(size, "bBkKmMgGtT")
	unit, ok := units[strings.ToLower(size[len(num):])]
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n <= 0 {
		return 0, fmt.Errorf("-m %s: not a memory size vmt can read", v)
	}
	return n * unit, nil
}

// checkScriptQEMU makes sure the QEMU the start script ran is the one the
// plan was made for: the probe's command line with the engine's and the
// plan's options, and, restoring, the run files put back.
func (m *Machine) checkScriptQEMU(p *snapshotPlan) error {
	pid, err := waitPIDFile(p.pidfile, make(chan error), 5*time.Second)
	if err != nil {
		return err
	}
	argv, binary, err := processCommand(pid)
	if err != nil {
		return err
	}
	if binary != p.script.binary || !slices.Equal(argv[1:], p.argv) {
		err := fmt.Errorf("the start script ran QEMU with another command line than the one read before: %s", strings.Join(argv, " "))
		if p.script.noted {
			return &staleNoteError{err}
		}
		return err
	}
	for _, f := range p.putBack {
		fi, err := os.Stat(filepath.Join(m.cfg.stateDir(), f.name))
		if err != nil || !os.SameFile(fi, f.info) || fi.ModTime() != f.info.ModTime() {
			return &refusedError{fmt.Sprintf("the start script makes %s anew on every start: a restored guest needs the %s it wrote", f.name, f.name)}
		}
	}
	return nil
}

// putBackFile is a run file a restore put back, as it was then.
type putBackFile struct {
	name string
	info os.FileInfo
}

// snapFiles is the directory of a snapshot that keeps the run files.
const snapFiles = "files"

// saveRunFiles copies the run files of a stopped guest into the snapshot.
func saveRunFiles(state, dir string, names []string) error {
	for _, name := range names {
		if err := copyFile(filepath.Join(state, name), filepath.Join(dir, snapFiles, name)); err != nil {
			return fmt.Errorf("keeping %s: %w", name, err)
		}
	}
	return nil
}

// putBackRunFiles copies the snapshot's run files into the state dir.
func putBackRunFiles(dir, state string, names []string) ([]putBackFile, error) {
	var put []putBackFile
	for _, name := range names {
		dst := filepath.Join(state, name)
		if err := copyFile(filepath.Join(dir, snapFiles, name), dst); err != nil {
			return nil, fmt.Errorf("putting back %s: %w", name, err)
		}
		fi, err := os.Stat(dst)
		if err != nil {
			return nil, err
		}
		put = append(put, putBackFile{name, fi})
	}
	return put, nil
}

// copyFile copies src to a new file dst (copy_file_range: a reflink where
// the file system has them).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// backingChain returns the images a qcow2 file is an overlay of, nearest
// first (none for any other file): their names are in its header, not on
// QEMU's command line.
func backingChain(path string) ([]string, error) {
	var chain []string
	for len(chain) < 16 {
		name, err := qcow2Backing(path)
		if err != nil || name == "" {
			return chain, err
		}
		if !filepath.IsAbs(name) {
			name = filepath.Join(filepath.Dir(path), name)
		}
		chain = append(chain, name)
		path = name
	}
	return nil, fmt.Errorf("%s: a backing chain deeper than 16 images", path)
}

// qcow2Backing reads the backing file name from a qcow2 header; "" for a
// qcow2 file without one, or a file of another format.
func qcow2Backing(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var header [20]byte
	if _, err := io.ReadFull(f, header[:]); err != nil || string(header[:4]) != "QFI\xfb" {
		return "", nil // shorter than a header, or not qcow2
	}
	offset := int64(binary.BigEndian.Uint64(header[8:16]))
	size := binary.BigEndian.Uint32(header[16:20])
	if offset == 0 {
		return "", nil
	}
	if size == 0 || size > 1023 {
		return "", fmt.Errorf("%s: a qcow2 header with a backing file name of %d bytes", path, size)
	}
	name := make([]byte, size)
	if _, err := f.ReadAt(name, offset); err != nil {
		return "", fmt.Errorf("%s: reading its backing file name: %w", path, err)
	}
	if strings.Contains(string(name), ":") && !strings.HasPrefix(string(name), "/") {
		return "", fmt.Errorf("%s: its backing image %s is not a file", path, name)
	}
	return string(name), nil
}
