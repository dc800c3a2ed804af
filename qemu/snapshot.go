package qemu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/vmt-dev/vmt/internal/reaper"
	"github.com/vmt-dev/vmt/qemu/guest"
)

// Boot snapshots. A machine with Config.Snapshots set keeps the guest's
// RAM in a file (a memory-backend-file shared with QEMU) during a boot
// that has no snapshot yet. Once its backdoor shell is ready (and the
// guest is settled, its 9p shares unmounted: snapshot_guest.go), QEMU
// stops and migrates the device state, without the RAM (x-ignore-shared),
// into the snapshot's directory; vmt then stops that QEMU and restores the
// snapshot at once, the way every later start does. A restore maps the
// RAM file privately (copy on write, so machines share its pages and never
// change it) and loads the small device state: QEMU is running again
// within a fraction of a second, where the guest was when it was saved.
//
// A snapshot is named by a hash of everything that determines it: QEMU's
// binary, its whole command line with the run's directories taken out,
// and the identity of every file the command line names (kernel, initrd,
// firmware) and of the images below a start script's disk overlay
// (snapshot_script.go). The hostname, the MACs and VLAN addresses are on
// the command line, so a restored machine is the machine that was booted.
// What a snapshot cannot hold is done each time the shell connects,
// restored or booted alike (Config.Resume): the guest sets its clock and
// mounts its 9p shares then, since QEMU refuses to migrate a guest with a
// 9p share mounted. Fresh entropy comes from a vmgenid device: QEMU gives
// a restored guest a new generation ID, and Linux reseeds its random
// number generator on the change.

// SnapshotDir is where boot snapshots are kept: in vmt's cache.
func SnapshotDir() (string, error) {
	cache, err := guest.CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "snapshots"), nil
}

// snapshotsKept bounds how many snapshots the cache keeps; the least
// recently used go first. Each holds the pages the guest touched (some
// 100-150 MiB for vmt's guest).
const snapshotsKept = 24

// ramBackend is the id of the file-backed RAM of a snapshot machine.
const ramBackend = "vmt-ram"

// snapshotPlan is what a start does about snapshots.
type snapshotPlan struct {
	dir     string // the snapshot's directory, final or being taken
	key     string
	restore bool  // start from dir; else take a snapshot into dir
	memory  int64 // bytes of guest RAM
	// A start script's machine (snapshot_script.go): the QEMU it runs,
	// the arguments that QEMU must have (all but the binary), the pid file
	// that finds it, and the run files a restore put back.
	script  *scriptQEMU
	argv    []string
	pidfile string
	putBack []putBackFile
}

// snapshotMeta is what a restore needs to know of the shell at the time
// the snapshot was taken, and the run files the snapshot keeps.
type snapshotMeta struct {
	OutputOnData  bool     `json:"output_on_data"`
	Interruptible bool     `json:"interruptible"`
	RunFiles      []string `json:"run_files,omitempty"`
}

// Files of a snapshot directory.
const (
	snapRAM     = "ram"
	snapState   = "state"
	snapMeta    = "meta.json"
	snapRefused = "refused" // beside the key's directory: why it cannot be (refusedError)
	snapConsole = "console" // what the boot printed on the serial console
)

// planSnapshotLocked decides between restoring, taking and neither, for
// a start of cmd (QEMU or the start script with the engine's arguments)
// whose disks are all new (fresh) or not, and adds the plan's arguments
// to cmd. It holds m.mu.
func (m *Machine) planSnapshotLocked(cmd *exec.Cmd, fresh bool) *snapshotPlan {
	if m.cfg.Snapshots == "" || m.noSnapshot {
		return nil
	}
	if !fresh {
		if m.cfg.KeepState {
			m.logf("snapshot: not used: the machine keeps its state (its disks) from run to run")
		} else {
			m.logf("snapshot: not used: the machine's disks were written since it was last started")
		}
		return nil
	}
	p := m.snapshotPlanOfLocked(cmd)
	if p == nil {
		return nil
	}
	if p.script != nil {
		p.pidfile = filepath.Join(m.cfg.stateDir(), "qemu.pid")
		os.Remove(p.pidfile)
	}
	if p.restore {
		meta, err := readSnapshotMeta(p.dir)
		if err == nil {
			p.putBack, err = putBackRunFiles(p.dir, m.cfg.stateDir(), meta.RunFiles)
		}
		if err != nil {
			m.logf("snapshot: not used: %v", err)
			discardSnapshot(p.dir)
			m.removeRunFilesLocked()
			return nil
		}
	}
	cmd.Args = append(cmd.Args, p.args()...)
	if p.script != nil {
		p.argv = append(append([]string(nil), p.script.args...), cmd.Args[1:]...)
	}
	return p
}

// snapshotPlanOfLocked finds the snapshot of cmd's machine, or plans to
// take it.
func (m *Machine) snapshotPlanOfLocked(cmd *exec.Cmd) *snapshotPlan {
	args, memory := cmd.Args, int64(m.cfg.MemoryMB)<<20
	var images []string
	var script *scriptQEMU
	if m.cfg.StartScript != "" {
		var err error
		if script, err = m.scriptQEMULocked(); err != nil {
			m.logf("snapshot: not used: %v", err)
			return nil
		}
		args = append(append([]string{script.binary}, script.args...), cmd.Args[1:]...)
		memory, images = script.memory, script.backing
	}
	key, err := snapshotKey(args, images, m.cfg)
	if err != nil {
		m.logf("snapshot: not used: %v", err)
		return nil
	}
	dir := filepath.Join(m.cfg.Snapshots, key)
	if _, err := os.Stat(filepath.Join(dir, snapMeta)); err == nil {
		now := time.Now()
		os.Chtimes(dir, now, now) // recently used: evicted last
		return &snapshotPlan{dir: dir, key: key, restore: true, memory: memory, script: script}
	}
	if why, err := os.ReadFile(filepath.Join(m.cfg.Snapshots, key+"."+snapRefused)); err == nil {
		m.logf("snapshot: not used: this machine cannot have one (%s); remove %s to try again",
			strings.TrimSpace(string(why)), filepath.Join(m.cfg.Snapshots, key+"."+snapRefused))
		return nil
	}
	if err := os.MkdirAll(m.cfg.Snapshots, 0o755); err != nil {
		m.logf("snapshot: not taken: %v", err)
		return nil
	}
	tmp, err := os.MkdirTemp(m.cfg.Snapshots, key+".tmp-")
	if err != nil {
		m.logf("snapshot: not taken: %v", err)
		return nil
	}
	m.logf("snapshot: none yet (%s): taking one when the guest is up", key)
	return &snapshotPlan{dir: tmp, key: key, memory: memory, script: script}
}

// dropUnfinishedSnapshotLocked removes the directory of a snapshot that
// this machine's previous start began to take and never finished (QEMU
// died, or the machine was released before its shell came up).
func (m *Machine) dropUnfinishedSnapshotLocked() {
	if m.plan != nil && !m.plan.restore && strings.Contains(filepath.Base(m.plan.dir), ".tmp-") {
		os.RemoveAll(m.plan.dir)
	}
	m.plan = nil
}

// args returns the QEMU options that give the machine its RAM from the
// snapshot's file: shared while a snapshot is taken, private (copy on
// write) when restored, the device state loaded over QMP (restore). A
// start script's QEMU also gets a pid file and, unless it has one, the
// vmgenid device (a declared machine's spec adds its own).
func (p *snapshotPlan) args() []string {
	share := "on"
	if p.restore {
		share = "off"
	}
	args := []string{
		"-object", fmt.Sprintf("memory-backend-file,id=%s,size=%d,mem-path=%s,share=%s", ramBackend, p.memory, filepath.Join(p.dir, snapRAM), share),
		"-machine", "memory-backend=" + ramBackend,
	}
	if p.restore {
		args = append(args, "-incoming", "defer")
	}
	if p.script != nil {
		args = append(args, "-pidfile", p.pidfile)
		if !slices.ContainsFunc(p.script.args, func(a string) bool { return strings.Contains(a, "vmgenid") }) {
			args = append(args, "-device", "vmgenid")
		}
	}
	return args
}

// snapshotKey hashes what determines a snapshot: the command line (the
// run's own directories replaced by placeholders, so every run of the
// machine finds it), QEMU's binary, the files the command line names and
// the images below the run's disk overlays.
func snapshotKey(args, images []string, cfg Config) (string, error) {
	h := sha256.New()
	binary, err := exec.LookPath(args[0])
	if err != nil {
		return "", err
	}
	files := append([]string{binary}, images...)
	for _, a := range args {
		a = strings.ReplaceAll(a, cfg.SharedDir, "$SHARED")
		a = strings.ReplaceAll(a, cfg.TmpDir, "$TMPDIR")
		fmt.Fprintf(h, "%q\n", a)
		for _, field := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == '=' }) {
			if filepath.IsAbs(field) && !inDir(cfg.TmpDir, field) && !inDir(cfg.SharedDir, field) {
				// The run's own files are new in every run: their names
				// are in the command line, their contents are the disks'
				// freshness (planSnapshotLocked).
				files = append(files, field)
			}
		}
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue // a directory or socket: its name is in the command line
		}
		var ino uint64
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = st.Ino
		}
		fmt.Fprintf(h, "%s %d %d %d\n", f, fi.Size(), fi.ModTime().UnixNano(), ino)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// inDir reports whether path is dir or lies below it.
func inDir(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// snapshotPlan returns the plan of the current start.
func (m *Machine) snapshotPlan() *snapshotPlan {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.plan
}

func (m *Machine) qmpMonitor() *qmpMonitor {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.qmp
}

// settleSnapshot takes the planned snapshot of a guest that just booted.
// The snapshot's RAM is then the file this QEMU writes to, so QEMU stops
// and the machine restores the snapshot: the shell it returns is the
// restored guest's.
func (m *Machine) settleSnapshot(ctx context.Context, sh *shell) (*shell, error) {
	plan := m.snapshotPlan()
	if plan == nil || plan.restore {
		return sh, nil
	}
	taken, err := m.takeSnapshot(ctx, plan, sh)
	if err != nil || !taken {
		m.mu.Lock()
		m.plan = nil
		m.mu.Unlock()
		return sh, err
	}
	m.mu.Lock()
	m.bootShown = true
	m.mu.Unlock()
	if err := m.restart(ctx); err != nil {
		return nil, err
	}
	return m.awaitShell(ctx)
}

// bootWithoutSnapshot is the way out of a snapshot that did not restore:
// it says why, removes the snapshot, and boots.
func (m *Machine) bootWithoutSnapshot(ctx context.Context, plan *snapshotPlan, cause error) error {
	discardSnapshot(plan.dir)
	if refusal := m.recordRefusal(plan.key, cause); refusal != "" {
		m.logf("snapshot: restoring %s failed: %v; booting normally, and every time (%s says so: remove it to try again)", plan.key, cause, refusal)
	} else {
		m.logf("snapshot: restoring %s failed: %v; booting normally (the next run takes a new snapshot)", plan.key, cause)
	}
	m.mu.Lock()
	m.noSnapshot = true
	m.mu.Unlock()
	if err := m.restart(ctx); err != nil {
		return err
	}
	return m.reachShell(ctx)
}

// restart stops QEMU, as the engine's own doing, and starts the machine
// again on disks as new as they were (a snapshot's guest saw them so).
func (m *Machine) restart(ctx context.Context) error {
	m.expectExit()
	m.mu.Lock()
	running, exited := m.runningLocked(), m.exited
	var pid int
	if running {
		pid = m.cmd.Process.Pid
	}
	m.mu.Unlock()
	if running {
		if q := m.qmpMonitor(); q != nil {
			q.execute(ctx, "quit", nil) // its reply may be lost as QEMU exits
		}
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			reaper.Stop(pid)
			<-exited
		}
	}
	m.mu.Lock()
	m.lost = nil
	m.restarting = true
	for _, d := range m.cfg.Disks {
		os.Remove(d.Path)
	}
	m.removeRunFilesLocked()
	m.mu.Unlock()
	return m.start()
}

// removeRunFilesLocked removes the files a start script made for the run
// (a restore puts the snapshot's back, a boot has the script make them).
func (m *Machine) removeRunFilesLocked() {
	if m.script != nil {
		for _, f := range m.script.runFiles {
			os.Remove(filepath.Join(m.cfg.stateDir(), f))
		}
	}
}

// restoreSnapshot loads the device state into the QEMU that started with
// the plan's -incoming defer, lets the guest run and takes over its shell.
func (m *Machine) restoreSnapshot(ctx context.Context, p *snapshotPlan, sh *shell) error {
	began := time.Now()
	meta, err := readSnapshotMeta(p.dir)
	if err != nil {
		return err
	}
	q := m.qmpMonitor()
	if q == nil {
		return m.notRunning()
	}
	// QEMU exits when the state does not load: the way out is a boot
	// (bootWithoutSnapshot), not a lost machine.
	m.expectExit()
	if err := ignoreSharedRAM(ctx, q); err != nil {
		return err
	}
	uri := "exec:cat " + shellQuote(filepath.Join(p.dir, snapState))
	if _, err := q.execute(ctx, "migrate-incoming", map[string]any{"uri": uri}); err != nil {
		return fmt.Errorf("loading the snapshot: %w", err)
	}
	status, err := m.waitRunState(ctx, q, func(s string) bool { return s != "inmigrate" })
	if err != nil {
		return fmt.Errorf("loading the snapshot: %w", err)
	}
	if status != "running" {
		if _, err := q.execute(ctx, "cont", nil); err != nil {
			return fmt.Errorf("resuming the restored guest (it was %s): %w", status, err)
		}
	}
	sh.takeOver(meta.OutputOnData, meta.Interruptible)
	m.mu.Lock()
	m.stopping = false
	replay := !m.bootShown
	m.bootShown = false
	m.mu.Unlock()
	if replay {
		// The guest's console as its boot left it, as if it had booted.
		if boot, err := os.ReadFile(filepath.Join(p.dir, snapConsole)); err == nil {
			m.console.write(boot, m.serialLine)
		}
	}
	m.logf("snapshot: restored in %.2f s (%s)", time.Since(began).Seconds(), p.key)
	return nil
}

// takeSnapshot saves the running guest into the plan's directory and
// makes it the key's snapshot. It returns false, with the reason logged,
// when QEMU refused: the guest then runs on.
func (m *Machine) takeSnapshot(ctx context.Context, p *snapshotPlan, sh *shell) (bool, error) {
	began := time.Now()
	q := m.qmpMonitor()
	if q == nil {
		return false, m.notRunning()
	}
	m.prepareGuest(ctx, sh)
	if _, err := q.execute(ctx, "stop", nil); err != nil {
		return false, fmt.Errorf("stopping the guest for its snapshot: %w", err)
	}
	err := m.saveState(ctx, q, p)
	var runFiles []string
	if p.script != nil {
		runFiles = p.script.runFiles
	}
	if err == nil {
		err = saveRunFiles(m.cfg.stateDir(), p.dir, runFiles)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(p.dir, snapConsole), []byte(m.console.log()), 0o644)
	}
	if err == nil {
		meta := sh.snapshotMeta()
		meta.RunFiles = runFiles
		data, _ := json.Marshal(meta)
		err = os.WriteFile(filepath.Join(p.dir, snapMeta), data, 0o644)
	}
	if err == nil {
		final := filepath.Join(m.cfg.Snapshots, p.key)
		if err = os.Rename(p.dir, final); err != nil && fileExists(filepath.Join(final, snapMeta)) {
			os.RemoveAll(p.dir) // another run took it first: use theirs
			err = nil
		}
		if err == nil {
			p.dir = final
		}
	}
	if err != nil {
		// The RAM file stays mapped by QEMU; removing its name frees it
		// when QEMU exits.
		os.RemoveAll(p.dir)
		if refusal := m.recordRefusal(p.key, err); refusal != "" {
			m.logf("snapshot: not taken: %v; the machine boots every time (%s says so: remove it to try again)", err, refusal)
		} else {
			m.logf("snapshot: not taken: %v; the next start tries again", err)
		}
		if _, cerr := q.execute(ctx, "cont", nil); cerr != nil {
			return false, fmt.Errorf("resuming the guest after its snapshot failed: %w", cerr)
		}
		return false, nil
	}
	m.logf("snapshot: taken in %.2f s (%s)", time.Since(began).Seconds(), p.key)
	evictSnapshots(m.cfg.Snapshots, snapshotsKept)
	return true, nil
}

// refusedError says why this machine cannot have a snapshot at all: QEMU
// refused to save it (a device that cannot migrate, a 9p share that stays
// mounted), or its start script makes its disk anew on every start.
// Trying again is pointless.
type refusedError struct{ reason string }

func (e *refusedError) Error() string { return e.reason }

// recordRefusal notes beside the snapshots that the key's machine cannot
// have one, when err says so, and returns the note's path.
func (m *Machine) recordRefusal(key string, err error) string {
	var refused *refusedError
	if !errors.As(err, &refused) {
		return ""
	}
	refusal := filepath.Join(m.cfg.Snapshots, key+"."+snapRefused)
	os.WriteFile(refusal, []byte(refused.reason+"\n"), 0o644)
	return refusal
}

// saveState migrates the stopped guest's device state into the plan's
// directory and waits for the migration to end.
func (m *Machine) saveState(ctx context.Context, q *qmpMonitor, p *snapshotPlan) error {
	if err := ignoreSharedRAM(ctx, q); err != nil {
		return err
	}
	uri := "exec:cat >" + shellQuote(filepath.Join(p.dir, snapState))
	if _, err := q.execute(ctx, "migrate", map[string]any{"uri": uri}); err != nil {
		return &refusedError{"QEMU refused: " + err.Error()}
	}
	for {
		raw, err := q.execute(ctx, "query-migrate", nil)
		if err != nil {
			return err
		}
		var info struct {
			Status    string `json:"status"`
			ErrorDesc string `json:"error-desc"`
		}
		json.Unmarshal(raw, &info)
		switch info.Status {
		case "completed":
			return nil
		case "failed", "cancelled":
			return fmt.Errorf("saving the snapshot failed: %s", info.ErrorDesc)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// ignoreSharedRAM leaves the file-backed RAM out of the migration stream.
func ignoreSharedRAM(ctx context.Context, q *qmpMonitor) error {
	caps := map[string]any{"capabilities": []map[string]any{{"capability": "x-ignore-shared", "state": true}}}
	if _, err := q.execute(ctx, "migrate-set-capabilities", caps); err != nil {
		return fmt.Errorf("QEMU cannot leave RAM out of a snapshot (x-ignore-shared): %w", err)
	}
	return nil
}

// waitRunState polls QEMU's run state until done accepts it.
func (m *Machine) waitRunState(ctx context.Context, q *qmpMonitor, done func(string) bool) (string, error) {
	for {
		raw, err := q.execute(ctx, "query-status", nil)
		if err != nil {
			return "", err
		}
		var st struct {
			Status string `json:"status"`
		}
		json.Unmarshal(raw, &st)
		if done(st.Status) {
			return st.Status, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func readSnapshotMeta(dir string) (snapshotMeta, error) {
	var meta snapshotMeta
	data, err := os.ReadFile(filepath.Join(dir, snapMeta))
	if err == nil {
		err = json.Unmarshal(data, &meta)
	}
	if err != nil {
		return meta, fmt.Errorf("snapshot %s: %w", dir, err)
	}
	return meta, nil
}

// discardSnapshot removes a snapshot that failed to restore.
func discardSnapshot(dir string) { os.RemoveAll(dir) }

// notesKept is how long a note beside the snapshots (a start script's
// command line, a refusal) is kept after it was written: a note removed
// costs a probe of the script, or one more try.
const notesKept = 30 * 24 * time.Hour

// evictSnapshots keeps the keep most recently used snapshots of dir and
// removes the others, leftovers of snapshots never finished, and old notes.
func evictSnapshots(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type snap struct {
		path string
		used time.Time
	}
	var snaps []snap
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		if !e.IsDir() {
			if time.Since(info.ModTime()) > notesKept {
				os.Remove(filepath.Join(dir, e.Name()))
			}
			continue
		}
		path := filepath.Join(dir, e.Name())
		if strings.Contains(e.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > time.Hour {
				os.RemoveAll(path) // a vmt killed while taking it
			}
			continue
		}
		snaps = append(snaps, snap{path, info.ModTime()})
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].used.After(snaps[j].used) })
	for i := keep; i < len(snaps); i++ {
		os.RemoveAll(snaps[i].path)
	}
}

// resumeGuest runs the guest's resume command (Config.Resume).
func (m *Machine) resumeGuest(ctx context.Context, sh *shell) error {
	cmd := m.cfg.Resume(time.Now())
	status, out, err := sh.execute(ctx, cmd, setupTimeout, nil)
	if err == nil && status != 0 {
		err = fmt.Errorf("status %d: %s", status, strings.TrimSpace(string(out)))
	}
	if err != nil {
		return fmt.Errorf("machine %s: resuming the guest (%s): %w", m.cfg.Name, cmd, err)
	}
	return nil
}
