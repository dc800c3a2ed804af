package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmt-dev/vmt/qemu/guest"
	"github.com/vmt-dev/vmt/vmtest"
)

// Exit statuses of vmt exec beyond the shared ones (see execLong).
const (
	exitTimeout = 124 // the command outlived --timeout, as timeout(1) says it
	exitNoBoot  = 125 // the machine did not come up, as env(1) says it could not run
	// exitInterrupted is a shell's status of a command stopped by SIGINT.
	exitInterrupted = 130
)

type execFlags struct {
	config, filter, kernel, kargs, image, rootfs, arch, qemu string
	jobs                                                     int
	timeout                                                  string
	net, verbose                                             bool
}

const execLong = `vmt exec runs a command in a VM, as vmtest does (replace "vmtest" by
"vmt exec": the flags and vmtest.toml mean the same).

With -k KERNEL, the kernel boots with the root file system (-r, default /,
the host's own) shared read-only over 9p as the guest's root, and the
current directory shared writable at the same path. The command runs there
with bash (sh if the guest has none), the caller's PATH, HOME and TERM; its
output (standard error joined to standard output) is streamed as it comes,
and its exit status is vmt's. "-" as the command opens an interactive
shell instead.

With -i IMAGE, the disk image boots by itself (BIOS, or UEFI with OVMF when
vmtest.toml says uefi = true) and the command goes through the QEMU guest
agent; the current directory is shared at /mnt/vmtest.

Without -k and -i, the targets of the configuration (-c, default
vmtest.toml; relative paths are taken from its directory, which is also
the working directory shared with the guests) run one after another, or
-j at a time, and a summary table follows. A command on the command line
replaces the targets' own.

The kernel needs virtio PCI, the virtio console and 9p over virtio, built
in or as modules beside it (/lib/modules/VERSION): CONFIG_VIRTIO_PCI,
CONFIG_VIRTIO_CONSOLE, CONFIG_NET_9P, CONFIG_NET_9P_VIRTIO, CONFIG_9P_FS.

Exit status:
  0    the command succeeded (every target's, with several)
  N    the command's exit status (one target)
  1    some target failed (several targets)
  2    bad flags or configuration: unreadable or invalid vmtest.toml (an
       unknown field is named with its line), a filter matching no
       target, a missing kernel, image or root file system
  124  the command did not finish within --timeout
  125  the VM did not boot or broke down (the error shows why, with the
       guest's last console lines)
  127  the command was not found in the guest
  130  interrupted (SIGINT or SIGTERM): the machines are stopped`

func init() {
	var flags execFlags
	cmd := &cobra.Command{
		Use:   "exec [flags] [--] [COMMAND...]",
		Short: "Run a command in a VM with a kernel or image (vmtest's CLI and vmtest.toml)",
		Long:  execLong,
		Example: `  vmt exec -k /boot/vmlinuz-$(uname -r) -- uname -r
  vmt exec -k bzImage -- ./run-my-bpf-test
  vmt exec -k Image -a aarch64 -r ./arm64-root -- uname -m
  vmt exec -j 2 -f 'v6\.' --timeout 5m`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExec(cmd, args, flags)
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.StringVarP(&flags.config, "config", "c", "vmtest.toml", "configuration file of targets")
	f.StringVarP(&flags.filter, "filter", "f", "", "run only the targets whose name matches this regular expression")
	f.StringVarP(&flags.kernel, "kernel", "k", "", "kernel image to boot, with the root file system over 9p")
	f.StringVar(&flags.kargs, "kargs", "", "extra kernel command line arguments")
	f.StringVarP(&flags.image, "image", "i", "", "disk image to boot")
	f.StringVarP(&flags.rootfs, "rootfs", "r", "/", "root file system of a kernel target (a host directory)")
	f.StringVarP(&flags.arch, "arch", "a", guest.HostArch(), "guest architecture: x86_64 or aarch64")
	f.StringVarP(&flags.qemu, "qemu-command", "q", "", "QEMU binary (default: qemu-system-ARCH)")
	f.IntVarP(&flags.jobs, "jobs", "j", 1, "targets to run at once")
	f.StringVar(&flags.timeout, "timeout", "", "time limit of each command (seconds, or a duration such as 5m)")
	f.BoolVar(&flags.net, "net", false, "give the guests user-mode networking")
	f.BoolVarP(&flags.verbose, "verbose", "v", false, "show the guests' consoles and vmt's notes")
	root.AddCommand(cmd)
}

func runExec(cmd *cobra.Command, args []string, flags execFlags) error {
	usage := func(err error) error { return &exitError{exitUsage, err} }
	opts := vmtest.Options{
		Jobs: flags.jobs, Net: flags.net, Env: vmtest.CallerEnv(),
		Stdout: cmd.OutOrStdout(), Stderr: cmd.ErrOrStderr(), Verbose: flags.verbose,
	}
	if flags.jobs < 1 {
		return usage(fmt.Errorf("-j %d: give at least 1", flags.jobs))
	}
	if flags.timeout != "" {
		d, err := parseTimeout(flags.timeout)
		if err != nil {
			return usage(err)
		}
		opts.Timeout = d
	}
	if flags.filter != "" {
		re, err := regexp.Compile(flags.filter)
		if err != nil {
			return usage(fmt.Errorf("-f %q: %v", flags.filter, err))
		}
		opts.Filter = re
	}
	command := strings.Join(args, " ")
	targets, workdir, fromConfig, err := execTargets(cmd, flags, command)
	if err != nil {
		return usage(err)
	}
	opts.Workdir = workdir
	if targets, err = vmtest.Select(targets, opts.Filter); err != nil {
		return usage(err)
	}
	for _, t := range targets {
		if err := t.Check(workdir); err != nil {
			return usage(err)
		}
	}
	ctx, stop := interruptible(nil)
	defer stop()
	if command == "-" {
		if len(targets) != 1 {
			return usage(fmt.Errorf(`"-" (an interactive shell) needs exactly one target; select one with -f`))
		}
		return interactive(ctx, targets[0], opts, cmd.InOrStdin())
	}
	results := vmtest.Run(ctx, targets, opts)
	if ctx.Err() != nil {
		return &exitError{exitInterrupted, errors.New("interrupted: the machines are stopped")}
	}
	if fromConfig {
		fmt.Fprintln(opts.Stderr)
		vmtest.WriteSummary(opts.Stderr, results)
	}
	return execStatus(results, opts.Stderr, fromConfig)
}

// execTargets returns the target of -k or -i, or the configuration's, and
// the working directory shared with them.
func execTargets(cmd *cobra.Command, flags execFlags, command string) ([]vmtest.Target, string, bool, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, "", false, err
	}
	if flags.kernel == "" && flags.image == "" {
		for _, name := range []string{"kernel", "image", "kargs", "rootfs", "arch", "qemu-command"} {
			if cmd.Flags().Changed(name) {
				return nil, "", false, fmt.Errorf("--%s goes with -k or -i; targets of %s set it themselves", name, flags.config)
			}
		}
		cfg, err := vmtest.Load(flags.config)
		if err != nil {
			return nil, "", false, err
		}
		if command != "" {
			for i := range cfg.Targets {
				cfg.Targets[i].Command = command
			}
		}
		dir, err := filepath.Abs(filepath.Dir(flags.config))
		return cfg.Targets, dir, true, err
	}
	if command == "" {
		return nil, "", false, fmt.Errorf("no command: give one after the flags (vmt exec -k KERNEL -- COMMAND), or - for a shell")
	}
	t := vmtest.NewTarget()
	t.Command, t.KernelArgs, t.Arch, t.QEMUCommand = command, flags.kargs, flags.arch, flags.qemu
	for _, p := range []struct {
		dst *string
		src string
	}{{&t.Kernel, flags.kernel}, {&t.Image, flags.image}, {&t.RootFS, flags.rootfs}} {
		if p.src != "" {
			if *p.dst, err = filepath.Abs(p.src); err != nil {
				return nil, "", false, err
			}
		}
	}
	t.Name = filepath.Base(t.Kernel + t.Image)
	if t.Kernel != "" && t.Image != "" {
		t.Name = "vm"
	}
	return []vmtest.Target{t}, cwd, false, nil
}

// parseTimeout reads seconds ("30", "2.5") or a Go duration ("5m").
func parseTimeout(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second)), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--timeout %q: give seconds (30) or a duration (5m)", s)
}

// execStatus turns the results into vmt's exit status (see execLong),
// saying why on stderr when the output alone does not.
func execStatus(results []vmtest.Result, stderr io.Writer, summarised bool) error {
	code := exitOK
	for _, r := range results {
		c := 0
		switch r.Outcome {
		case vmtest.Failed:
			c = r.Status
			if r.Status == 127 {
				fmt.Fprintf(stderr, "vmt: %s: exit status 127: the command was not found in the guest (it runs the programs of the target's root file system, with the caller's PATH)\n", r.Target)
			}
		case vmtest.TimedOut:
			c = exitTimeout
		case vmtest.NoBoot:
			c = exitNoBoot
		}
		if r.Err != nil && !summarised {
			fmt.Fprintf(stderr, "vmt: %s: %v\n", r.Target, r.Err)
		}
		if c != 0 && code == exitOK {
			code = c
		}
	}
	if len(results) > 1 && code != exitOK {
		code = exitFailed
	}
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}

var errNoTerminal = errors.New(`"-" opens an interactive shell, which needs a terminal on standard input`)
