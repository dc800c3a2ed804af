package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/runtime"
)

// runFlags are the options of `vmt run`, those of nixos-test-driver.
type runFlags struct {
	startScripts  []string
	vlans         []string
	globalTimeout int
	bootTimeout   int
	outputDir     string
	keepVMState   bool
	noSnapshot    bool
	interactive   bool
	junitXML      string
	debug         bool
	debugTimeout  int
	jobs          int
	shard         string
}

func init() {
	var flags runFlags
	cmd := &cobra.Command{
		Use:   "run [flags] [SCRIPT.star | PATH...]",
		Short: "Boot the test's machines and run a test script against them",
		Long: `vmt run boots QEMU machines and runs a Starlark test script against them,
with the flags and environment of the NixOS test driver.

The script path may come from the testScript environment variable; machines
from --start-scripts (or startScripts, space-separated NixOS run-NAME-vm
scripts) and from create_machine calls in the script; VLANs from --vlans (or
vlans). LOGFILE set writes the log as XML there. NO_COLOR set turns colours
off.

A machine on x86 that boots a kernel (declared with create_machine) or
comes from a start script starts from a snapshot of its boot, cached in
~/.cache/vmt/snapshots under a hash of everything that determines it (QEMU,
its command line, the kernel, initrd and disk image files): the first start
boots and takes it, later ones restore it in about a second. A start
script's QEMU command line is read by running the script once with QEMU
paused; the disk overlay it makes is kept with the snapshot. A restored
machine has its own hostname, MACs and VLAN addresses, the host's clock,
fresh entropy and its 9p shares mounted (they are unmounted for the
snapshot: a share that cannot be, such as a Nix store, makes QEMU refuse,
and the machine boots every time). A snapshot that fails to restore is
removed and the machine boots, saying why; --no-snapshot boots every time.

A machine that does not reach its backdoor shell within --boot-timeout
seconds (create_machine's boot_timeout for its machine) fails the test
with its last console lines.

Each run keeps its files (machine state, sockets, the shared directory) in a
private directory, $TMPDIR/vmt-run-XXXXXX, removed when it ends; a later run
removes the directory of a run whose vmt was killed.

The script is parsed and checked before anything boots. With -I, a REPL with
the same globals follows the script (or replaces it when there is none).

Each run serves a control socket (named in its log) for vmt attach: a shell
in any of its machines while it runs. With --debug (or VMT_DEBUG=1), a test
that fails keeps its machines running, prints the vmt attach commands to use
and waits for vmt attach --release, Ctrl-C or --debug-timeout seconds; its
exit status stays that of the failure.

Exit status: 0 the test passed, 1 it failed (assertion, command, timeout,
interruption), 2 usage error or a script that does not parse or resolve
(nothing booted).

Many tests at once: given several scripts, a directory (its *.star files,
recursively, sorted) or --shard, vmt run runs a suite. Each test is a vmt
run of its own (a crash or timeout in one cannot stop the others), with
the flags given here, its output directory OUTPUT-DIR/NAME (NAME is the
script's path below the directory it was found in, without .star;
OUTPUT-DIR is ./vmt-out unless -o says) and its log there, in
vmt-run.log. -j N tests run at a time (default: the number of CPUs), and
no more than fit in the memory available (MemAvailable less 1 GiB; a test
needs its machines' memory_size, 1024 MiB for each start script's
machine, and 256 MiB for each QEMU): a test waits rather than overcommit,
and one that needs more than there is runs alone. On a terminal one line
per running test shows its time and its last log line; elsewhere a line
when each test starts and ends. A summary follows: the last log lines of
each test that did not pass, then each test's result and time.
--junit-xml writes one report with a test suite per script. --shard I/N
runs the tests whose name hashes to share I of N, the same whatever other
tests exist, so that a CI matrix of N jobs runs each test once.
-I, --debug (VMT_DEBUG), -K, testScript and LOGFILE are about one test
and refused. Exit status: 0 every test passed, 1 one failed (or was
interrupted), 2 usage error or a test that vmt run refused (its script
does not parse).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if isSuite(args, flags) {
				return runSuite(cmd, args, flags)
			}
			return runTest(cmd, args, flags)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&flags.startScripts, "start-scripts", nil, "NixOS start scripts (run-NAME-vm) of the machines; default from env startScripts")
	f.StringSliceVar(&flags.vlans, "vlans", nil, "numbers of the VLANs to create; default from env vlans")
	f.IntVar(&flags.globalTimeout, "global-timeout", 3600, "seconds the whole test may run (env globalTimeout); 0 for no limit")
	f.IntVar(&flags.bootTimeout, "boot-timeout", 600, "seconds a machine may take to reach its backdoor shell; create_machine's boot_timeout overrides it")
	f.StringVarP(&flags.outputDir, "output-dir", "o", ".", "writable directory for screenshots and files copied out of guests")
	f.BoolVarP(&flags.keepVMState, "keep-vm-state", "K", false, "keep the machines' state directories (disk images) between runs, in $TMPDIR/vmt-kept-UID")
	f.BoolVar(&flags.noSnapshot, "no-snapshot", false, "boot machines every time instead of restoring the snapshot of their boot")
	f.BoolVarP(&flags.interactive, "interactive", "I", false, "open a REPL with the test's globals after the script")
	f.StringVar(&flags.junitXML, "junit-xml", "", "write a JUnit XML report to this file, one test case per subtest")
	f.BoolVar(&flags.debug, "debug", false, "on a failure, keep the machines and wait for vmt attach (env VMT_DEBUG=1)")
	f.IntVar(&flags.debugTimeout, "debug-timeout", int(runtime.DefaultDebugTimeout/time.Second), "seconds --debug waits after a failure")
	f.IntVarP(&flags.jobs, "jobs", "j", 0, "with several tests: how many run at a time; 0 for as many as the host's cores and memory allow")
	f.StringVar(&flags.shard, "shard", "", "with several tests: run only share I of N (I/N, from 1), so that N CI jobs run each test once")
	root.AddCommand(cmd)
}

func runTest(cmd *cobra.Command, args []string, flags runFlags) error {
	opts, err := runOptions(cmd, args, flags)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if logfile := os.Getenv("LOGFILE"); logfile != "" {
		f, err := os.Create(logfile)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("LOGFILE: %w", err)}
		}
		defer f.Close()
		opts.XMLLog = f
	}

	ctx, stop := interruptible(nil)
	defer stop()

	err = runtime.Run(ctx, opts)
	var usage *runtime.UsageError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &usage):
		return &exitError{exitUsage, err}
	default:
		return &exitError{exitFailed, err}
	}
}

// runOptions gathers the options from flags, arguments and environment,
// the way nixos-test-driver reads them.
func runOptions(cmd *cobra.Command, args []string, flags runFlags) (runtime.Options, error) {
	opts := runtime.Options{
		OutputDir:   flags.outputDir,
		Interactive: flags.interactive,
		JUnitXML:    flags.junitXML,
		Stdin:       cmd.InOrStdin(),
		Terminal:    cmd.ErrOrStderr(),
		Color:       runtime.UseColor(isTerminal(cmd.ErrOrStderr()), os.Getenv("NO_COLOR")),
		Backend:     &runtime.QEMU{KeepState: flags.keepVMState, NoSnapshot: flags.noSnapshot},
	}
	script := os.Getenv("testScript")
	if len(args) == 1 {
		script = args[0]
	}
	switch {
	case script != "":
		src, err := os.ReadFile(script)
		if err != nil {
			return opts, fmt.Errorf("reading the test script: %w", err)
		}
		opts.Script, opts.Source = script, src
	case flags.interactive:
		opts.Script = "<interactive>"
	default:
		return opts, errors.New("run needs a SCRIPT.star argument or the testScript environment variable (vmt run --help)")
	}

	timeout := flags.globalTimeout
	if timeout < 0 {
		return opts, fmt.Errorf("--global-timeout %d: give seconds ≥ 0", timeout)
	}
	if env := os.Getenv("globalTimeout"); env != "" && !cmd.Flags().Changed("global-timeout") {
		n, err := strconv.Atoi(strings.TrimSpace(env))
		if err != nil || n < 0 {
			return opts, fmt.Errorf("globalTimeout=%q is not a number of seconds ≥ 0", env)
		}
		timeout = n
	}
	opts.GlobalTimeout = time.Duration(timeout) * time.Second
	if flags.bootTimeout <= 0 {
		// Every wait has a deadline: a boot that never ends is not one.
		return opts, fmt.Errorf("--boot-timeout %d: give seconds > 0", flags.bootTimeout)
	}
	opts.BootTimeout = time.Duration(flags.bootTimeout) * time.Second

	opts.Debug = flags.debug
	if env := os.Getenv("VMT_DEBUG"); env != "" && !cmd.Flags().Changed("debug") {
		on, err := strconv.ParseBool(env)
		if err != nil {
			return opts, fmt.Errorf("VMT_DEBUG=%q: give 1 or 0", env)
		}
		opts.Debug = on
	}
	if flags.debugTimeout <= 0 {
		return opts, fmt.Errorf("--debug-timeout %d: give seconds > 0", flags.debugTimeout)
	}
	opts.DebugTimeout = time.Duration(flags.debugTimeout) * time.Second

	scripts := startScripts(flags.startScripts)
	for i, name := range analysis.MachineNamesFromStartScripts(scripts) {
		opts.Machines = append(opts.Machines, runtime.MachineSpec{Name: name, StartScript: scripts[i], BootTimeout: opts.BootTimeout})
	}

	// --vlans takes 1,2 or "1 2" (or the flag again); env vlans, "1 2".
	vlans := strings.Fields(strings.Join(flags.vlans, " "))
	if len(vlans) == 0 {
		vlans = strings.Fields(os.Getenv("vlans"))
	}
	for _, v := range vlans {
		nr, err := strconv.Atoi(v)
		if err != nil || nr < 0 {
			return opts, fmt.Errorf("VLAN %q is not a VLAN number (1 to 255)", v)
		}
		opts.VLANs = append(opts.VLANs, nr)
	}
	return opts, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
