package vmtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/vmt-dev/vmt/qemu"
)

// termPort is the name of the virtio port that carries an interactive
// shell's terminal.
const termPort = "vmt.term"

// Terminal is the caller's terminal for an interactive shell: its size
// and TERM go to the guest, its bytes both ways.
type Terminal struct {
	In         io.Reader
	Out        io.Writer
	Rows, Cols int
}

// Shell boots target and runs an interactive shell in it on term, in the
// working directory with the caller's environment, until the shell exits;
// it returns the shell's exit status. ready is called once the shell's
// terminal is connected (to put the caller's terminal in raw mode). The bytes travel on a virtio port of
// their own; in the guest, script(1) (util-linux's or busybox's) gives the
// shell a pseudo-terminal.
func Shell(ctx context.Context, t Target, opts Options, term Terminal, ready func()) (int, error) {
	run, err := qemu.NewRunDir("")
	if err != nil {
		return -1, err
	}
	defer run.Remove()
	name := machineName(t.Name, 1)
	sock := filepath.Join(run.Path, name+".term")
	spec := t.Spec(name, opts.Workdir, opts.Net)
	spec.QEMUFlags = append(spec.QEMUFlags,
		"-chardev", "socket,id=vmtterm,path="+sock+",server=on,wait=off",
		"-device", "virtio-serial-pci,id=vmttermbus",
		"-device", "virtserialport,bus=vmttermbus.0,chardev=vmtterm,name="+termPort)
	cfg, err := spec.Config(run.Path, 1, nil, &logger{w: opts.Stderr, verbose: opts.Verbose, target: t.Name})
	if err != nil {
		return -1, err
	}
	m, err := qemu.New(cfg)
	if err != nil {
		return -1, err
	}
	defer m.Release()
	if err := m.Connect(ctx); err != nil {
		return -1, bootError(t, m, err)
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return -1, fmt.Errorf("connecting to the terminal port: %w", err)
	}
	defer conn.Close()
	ready()
	go io.Copy(term.Out, conn)
	go io.Copy(conn, term.In)
	t.Command = shellLine(term)
	// What the command itself says (script's errors) goes to the terminal.
	status, _, err := m.Execute(ctx, t.shellCommand(opts.Workdir, opts.Env), 0, term.Out)
	if err != nil {
		return -1, err
	}
	// The last bytes of the session may still be on their way.
	time.Sleep(100 * time.Millisecond)
	if status == 127 {
		return status, errors.New("the guest has no script(1) to give the shell a terminal (util-linux, or busybox's applet)")
	}
	return status, nil
}

// shellLine is the guest's command of an interactive shell: script runs
// it on a pseudo-terminal of the caller's size, its terminal side on the
// vmt.term port. script does not always pass the shell's exit status on
// (busybox's cannot), so a file in the guest's /tmp carries it.
func shellLine(term Terminal) string {
	inner := fmt.Sprintf("stty rows %d cols %d 2>/dev/null; $(command -v bash || echo sh) -i; echo $? >/tmp/.vmt-shell-status", term.Rows, term.Cols)
	// A virtio port opens once: read and write on one descriptor.
	return `port=; for p in /sys/class/virtio-ports/*; do [ "$(cat "$p/name" 2>/dev/null)" = ` + termPort + ` ] && port=/dev/${p##*/}; done; ` +
		`command -v script >/dev/null || exit 127; ` +
		`script -q -c ` + quote(inner) + ` /dev/null <>"$port" >&0 && exit "$(cat /tmp/.vmt-shell-status)"`
}
