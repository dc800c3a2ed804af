package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/runtime"
	"golang.org/x/sys/unix"
)

// exitAttachError is the status of vmt attach's own errors: 255, as ssh,
// so that a script cannot take them for the status of the command run.
const exitAttachError = 255

// attachFlags are the options of `vmt attach`.
type attachFlags struct {
	test    string
	socket  string
	command string
	repl    bool
	release bool
}

func init() {
	var flags attachFlags
	cmd := &cobra.Command{
		Use:   "attach [MACHINE] [flags]",
		Short: "Open a shell in a machine of a running (or failed --debug) test",
		Long: `vmt attach reaches the machines of a running test through its control
socket (named in the test's log).

  vmt attach                     lists this user's running tests
  vmt attach MACHINE             opens a root shell in MACHINE: a real terminal
                                 (job control, Ctrl-C, window size), while the
                                 test goes on; exit it, or type ~. at the start
                                 of a line, to detach
  vmt attach MACHINE -c CMD      runs CMD there (stdin from /dev/null) and exits
                                 with its status
  vmt attach --repl              the REPL of a test that vmt run --debug keeps
                                 after its failure
  vmt attach --release           ends that wait: the test ends with its failure

A machine that runs but never reached its backdoor shell gets its serial
console instead of a shell. With several tests running, choose one with
--test ID (from the list) or --socket PATH.

Exit status: the shell's or the command's; 255 for errors of vmt attach itself.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return attach(cmd, args, flags)
		},
	}
	f := cmd.Flags()
	f.StringVar(&flags.test, "test", "", "ID of the test to attach to (vmt attach lists them)")
	f.StringVar(&flags.socket, "socket", "", "path of the test's control socket (named in its log)")
	f.StringVarP(&flags.command, "command", "c", "", "run this command in the machine and exit with its status")
	f.BoolVar(&flags.repl, "repl", false, "open the REPL of a test that vmt run --debug keeps after a failure")
	f.BoolVar(&flags.release, "release", false, "end the wait of vmt run --debug")
	root.AddCommand(cmd)
}

func attach(cmd *cobra.Command, args []string, flags attachFlags) error {
	modes := 0
	for _, on := range []bool{len(args) == 1, flags.repl, flags.release} {
		if on {
			modes++
		}
	}
	switch {
	case modes > 1:
		return &exitError{exitUsage, errors.New("give one of MACHINE, --repl and --release")}
	case flags.command != "" && len(args) == 0:
		return &exitError{exitUsage, errors.New("-c needs the MACHINE to run the command in")}
	case modes == 0 && flags.test == "" && flags.socket == "":
		return listTests(cmd)
	}
	socket, err := chooseSocket(flags)
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	conn, err := runtime.DialControl(socket)
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	defer conn.Close()
	switch {
	case flags.release:
		reply, err := conn.Request(runtime.ControlRequest{Op: runtime.OpRelease})
		if err != nil {
			return &exitError{exitAttachError, err}
		}
		fmt.Fprintln(cmd.ErrOrStderr(), reply.Note)
		return nil
	case flags.repl:
		return attachREPL(cmd, conn)
	case len(args) == 0:
		return describeTest(cmd, conn)
	case flags.command != "":
		return attachCommand(cmd, conn, args[0], flags.command)
	}
	return attachShell(cmd, conn, args[0])
}

// chooseSocket finds the control socket to use: the one given, the one of
// the test with the given ID, or the only running test's.
func chooseSocket(flags attachFlags) (string, error) {
	if flags.socket != "" {
		return flags.socket, nil
	}
	runs := runtime.RunningTests()
	var ids []string
	for _, r := range runs {
		if flags.test == "" || r.ID == flags.test {
			ids = append(ids, r.ID)
		}
	}
	switch {
	case len(ids) == 1:
		for _, r := range runs {
			if r.ID == ids[0] {
				return r.Socket, nil
			}
		}
	case flags.test != "":
		return "", fmt.Errorf("no running test of yours has the ID %s (vmt attach lists them; a test that has ended cannot be attached to)", flags.test)
	case len(runs) == 0:
		return "", errors.New("no test of yours is running (looked in $XDG_RUNTIME_DIR/vmt and $TMPDIR/vmt-run-*; give --socket PATH from the test's log otherwise)")
	}
	return "", fmt.Errorf("%d tests are running (%s): choose one with --test ID", len(ids), strings.Join(ids, ", "))
}

// listTests prints this user's running tests and their machines.
func listTests(cmd *cobra.Command) error {
	runs := runtime.RunningTests()
	out := cmd.OutOrStdout()
	if len(runs) == 0 {
		fmt.Fprintln(out, "no test of yours is running")
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tAGE\tSCRIPT\tSTATE")
	for _, r := range runs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.ID, time.Since(r.Started).Round(time.Second), r.Script, r.State)
		for _, m := range r.Machine {
			fmt.Fprintf(w, "  %s\t\t\t%s\n", m.Name, m.State)
		}
	}
	return w.Flush()
}

// describeTest prints one test (vmt attach --test ID with no machine).
func describeTest(cmd *cobra.Command, conn *runtime.ControlConn) error {
	reply, err := conn.Request(runtime.ControlRequest{Op: runtime.OpInfo})
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	r := reply.Run
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "test %s: %s, %s, started %s ago\n", r.ID, r.Script, r.State, time.Since(r.Started).Round(time.Second))
	if r.Failure != "" {
		fmt.Fprintf(out, "failure: %s\n", r.Failure)
	}
	for _, m := range r.Machine {
		fmt.Fprintf(out, "  %s: %s\n", m.Name, m.State)
	}
	return nil
}

// attachCommand runs one command in a machine and exits with its status.
func attachCommand(cmd *cobra.Command, conn *runtime.ControlConn, machine, command string) error {
	busy := noteBusyBackdoor(cmd, machine)
	_, err := conn.Request(runtime.ControlRequest{Op: runtime.OpAttach, Machine: machine, Command: command})
	busy.Stop()
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	return relayOutput(cmd.OutOrStdout(), conn)
}

// noteBusyBackdoor says, if the attach takes over a second, that it
// waits for the machine's backdoor shell to finish the test's command:
// the backdoor starts the session. Stop the returned timer when the
// attach answered.
func noteBusyBackdoor(cmd *cobra.Command, machine string) *time.Timer {
	return time.AfterFunc(time.Second, func() {
		fmt.Fprintf(cmd.ErrOrStderr(), "vmt: waiting for %s's backdoor shell: it is running a command of the test\n", machine)
	})
}

// relayOutput copies the session's output frames to out and returns its
// end: nil for status 0, else an exitError with the status.
func relayOutput(out io.Writer, conn *runtime.ControlConn) error {
	for {
		kind, payload, err := runtime.ReadFrame(conn)
		if err != nil {
			return &exitError{exitAttachError, fmt.Errorf("the connection to the test ended (%v): did the test end?", err)}
		}
		switch kind {
		case runtime.FrameOutput:
			out.Write(payload)
		case runtime.FrameExit:
			status, err := strconv.Atoi(string(payload))
			if err != nil || status < 0 {
				return &exitError{exitAttachError, errors.New("the session ended without an exit status (its terminal was hung up)")}
			}
			if status == 0 {
				return nil
			}
			return &exitError{status, nil}
		case runtime.FrameError:
			return &exitError{exitAttachError, errors.New(string(payload))}
		}
	}
}

// attachShell opens an interactive terminal in a machine: the local
// terminal is raw, its size follows to the guest, ~. detaches.
func attachShell(cmd *cobra.Command, conn *runtime.ControlConn, machine string) error {
	stdin := int(os.Stdin.Fd())
	saved, err := unix.IoctlGetTermios(stdin, unix.TCGETS)
	if err != nil {
		return &exitError{exitAttachError, fmt.Errorf("stdin is not a terminal, and a shell needs one: run a command with vmt attach %s -c CMD", machine)}
	}
	req := runtime.ControlRequest{Op: runtime.OpAttach, Machine: machine, Term: os.Getenv("TERM")}
	if ws, err := unix.IoctlGetWinsize(stdin, unix.TIOCGWINSZ); err == nil {
		req.Rows, req.Cols = int(ws.Row), int(ws.Col)
	}
	busy := noteBusyBackdoor(cmd, machine)
	reply, err := conn.Request(req)
	busy.Stop()
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "vmt: %s\r\n", reply.Note)
	if err := unix.IoctlSetTermios(stdin, unix.TCSETS, rawMode(*saved)); err != nil {
		return &exitError{exitAttachError, fmt.Errorf("putting the terminal in raw mode: %w", err)}
	}
	defer unix.IoctlSetTermios(stdin, unix.TCSETS, saved)

	// A new window size goes to the guest; a termination detaches, so
	// that the terminal is restored.
	winch, stop := make(chan os.Signal, 1), make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(winch)
	defer signal.Stop(stop)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-winch:
				if ws, err := unix.IoctlGetWinsize(stdin, unix.TIOCGWINSZ); err == nil {
					runtime.WriteFrame(conn, runtime.FrameResize, fmt.Appendf(nil, "%d %d", ws.Row, ws.Col))
				}
			case <-stop:
				conn.Close()
			case <-done:
				return
			}
		}
	}()
	go forwardTyping(os.Stdin, conn)
	err = relayOutput(cmd.OutOrStdout(), conn)
	var ee *exitError
	if errors.As(err, &ee) && ee.code == exitAttachError {
		// The session did not end by itself: the user detached (~.) or
		// the connection broke; print the reason on a line of its own.
		fmt.Fprint(cmd.ErrOrStderr(), "\r\n")
	}
	return err
}

// forwardTyping sends what is typed to the session until ~. at the start
// of a line, which detaches by closing the connection.
func forwardTyping(in io.Reader, conn *runtime.ControlConn) {
	buf := make([]byte, 4096)
	lineStart, tilde := true, false
	for {
		n, err := in.Read(buf)
		if err != nil {
			return
		}
		var out []byte
		for _, c := range buf[:n] {
			switch {
			case tilde && c == '.':
				conn.Close()
				return
			case tilde && c != '~':
				out = append(out, '~', c)
			case !tilde && lineStart && c == '~':
				tilde = true
				continue
			default:
				out = append(out, c)
			}
			tilde = false
			lineStart = c == '\r' || c == '\n'
		}
		if len(out) > 0 && runtime.WriteFrame(conn, runtime.FrameInput, out) != nil {
			return
		}
	}
}

// rawMode is t with input passed through untouched, as cfmakeraw sets it:
// the guest's terminal does the line editing and signals.
func rawMode(t unix.Termios) *unix.Termios {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return &t
}

// attachREPL relays the test's REPL: lines of stdin in, output out.
func attachREPL(cmd *cobra.Command, conn *runtime.ControlConn) error {
	reply, err := conn.Request(runtime.ControlRequest{Op: runtime.OpREPL})
	if err != nil {
		return &exitError{exitAttachError, err}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "vmt: %s\n", reply.Note)
	go func() {
		buf := make([]byte, 4096)
		in := cmd.InOrStdin()
		for {
			n, err := in.Read(buf)
			if n > 0 && runtime.WriteFrame(conn, runtime.FrameInput, buf[:n]) != nil {
				return
			}
			if err != nil {
				runtime.WriteFrame(conn, runtime.FrameEOF, nil)
				return
			}
		}
	}()
	return relayOutput(cmd.OutOrStdout(), conn)
}
