package main

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vmt-dev/vmt/suite"
	"golang.org/x/sys/unix"
)

// suiteOutputDir is where a suite's tests put their output directories
// when -o is not given: not the working directory, where a test's
// directory could meet a source directory of the same name.
const suiteOutputDir = "vmt-out"

// isSuite reports whether `vmt run` runs a suite: several scripts, a
// directory, or a shard; one script alone runs the way it always did.
func isSuite(args []string, flags runFlags) bool {
	if len(args) > 1 || flags.shard != "" {
		return true
	}
	if len(args) == 1 {
		fi, err := os.Stat(args[0])
		return err == nil && fi.IsDir()
	}
	return false
}

// suiteOnlyFlags are the flags of the suite itself, not passed on to each
// test's vmt run.
var suiteOnlyFlags = []string{"jobs", "shard", "output-dir", "junit-xml", "debug"}

func runSuite(cmd *cobra.Command, args []string, flags runFlags) error {
	if os.Getenv(suiteChildEnv) != "" {
		return &exitError{exitUsage, fmt.Errorf("a test of a suite cannot run a suite itself (%s is set)", suiteChildEnv)}
	}
	cfg, err := suiteConfig(cmd, args, flags)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	ctx, stop := interruptible(func(sig os.Signal) {
		cfg.Status.Note("vmt: %s received: stopping the running tests", sig)
	})
	defer stop()

	results, err := suite.Run(ctx, cfg)
	if err != nil {
		return &exitError{exitFailed, err}
	}
	switch suite.Worst(results) {
	case suite.Errored:
		return &exitError{exitUsage, errors.New("some tests could not start: see their logs above")}
	case suite.Failed:
		return &exitError{exitFailed, fmt.Errorf("not every test passed (%s)", suite.Totals(results))}
	}
	return nil
}

// suiteConfig checks the flags of a suite run, finds its tests and
// prepares their output directories, before any test starts.
func suiteConfig(cmd *cobra.Command, args []string, flags runFlags) (suite.Config, error) {
	var cfg suite.Config
	if err := refuseSingleTestOptions(flags); err != nil {
		return cfg, err
	}
	if len(args) == 0 {
		return cfg, errors.New("run --shard needs the tests: give scripts or directories of *.star files")
	}
	var shard *suite.Shard
	if flags.shard != "" {
		s, err := suite.ParseShard(flags.shard)
		if err != nil {
			return cfg, err
		}
		shard = &s
	}
	tests, found, err := suite.Discover(args)
	if err != nil {
		return cfg, err
	}
	if flags.jobs < 0 {
		return cfg, fmt.Errorf("-j %d: give the number of tests to run at a time, or 0 for as many as the host allows", flags.jobs)
	}
	cfg.Jobs = flags.jobs
	if cfg.Jobs == 0 {
		cfg.Jobs = goruntime.NumCPU()
	}
	budget, budgetErr := suite.MemoryBudgetMB()
	cfg.BudgetMB = budget

	out := flags.outputDir
	if !cmd.Flags().Changed("output-dir") {
		out = suiteOutputDir
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return cfg, fmt.Errorf("output directory: %w", err)
	}
	if flags.junitXML != "" {
		// Created now: an unwritable path is reported before any test runs.
		f, err := os.Create(flags.junitXML)
		if err != nil {
			return cfg, fmt.Errorf("JUnit report: %w", err)
		}
		f.Close()
	}
	exe, err := os.Executable()
	if err != nil {
		return cfg, fmt.Errorf("finding the vmt binary to run each test with: %w", err)
	}
	cfg.Child = suite.Child{Exe: exe, Args: passedFlags(cmd), Env: childEnv(), OutputDir: out}
	cfg.JUnitXML = flags.junitXML
	cfg.StartScripts = len(startScripts(flags.startScripts))
	cfg.Summary = cmd.OutOrStdout()
	terminal, width := terminalWidth(cmd)
	cfg.Status = suite.NewStatus(cmd.ErrOrStderr(), terminal, width)

	cfg.Status.Note("vmt: found %s", describeFound(found))
	cfg.Tests = tests
	if shard != nil {
		cfg.Tests = shard.Select(tests)
		cfg.Status.Note("vmt: shard %s runs %d of the %s", shard, len(cfg.Tests), count(len(tests), "test"))
	}
	memory := "no memory limit"
	switch {
	case budgetErr != nil:
		memory = fmt.Sprintf("no memory limit (%v)", budgetErr)
	case budget > 0:
		memory = fmt.Sprintf("%d MiB of memory to share", budget)
	}
	cfg.Status.Note("vmt: %d at a time, %s; output in %s", cfg.Jobs, memory, out)
	return cfg, nil
}

// refuseSingleTestOptions names the options that are about one test.
func refuseSingleTestOptions(flags runFlags) error {
	refuse := func(what, why string) error {
		return fmt.Errorf("%s %s: run that test alone (vmt run SCRIPT.star)", what, why)
	}
	switch {
	case flags.interactive:
		return refuse("-I/--interactive", "opens one REPL on one test's machines, not on several tests'")
	case flags.debug || os.Getenv("VMT_DEBUG") != "" && os.Getenv("VMT_DEBUG") != "0":
		return refuse("--debug (or VMT_DEBUG)", "keeps one failed test's machines for vmt attach")
	case flags.keepVMState:
		return refuse("-K/--keep-vm-state", "keeps a machine's state under its name: tests whose machines share a name would share it")
	case os.Getenv("testScript") != "":
		return errors.New("the testScript environment variable names one test while several are given: unset it, or run that test alone")
	case os.Getenv("LOGFILE") != "":
		return refuse("LOGFILE", "is one test's XML log")
	}
	return nil
}

// passedFlags are the flags given to `vmt run` that each test's vmt run
// gets too: the machines, VLANs and timeouts.
func passedFlags(cmd *cobra.Command) []string {
	args := []string{"--debug=false"} // VMT_DEBUG would make a failed test wait
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if slices.Contains(suiteOnlyFlags, f.Name) {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

// childEnv is the suite's environment without what names one test.
func childEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "testScript=") || strings.HasPrefix(kv, "LOGFILE=")
	})
	return append(env, suiteChildEnv+"=1")
}

// suiteChildEnv marks the environment of a suite's tests: a test's vmt run
// that would start a suite of its own (or a binary that is not vmt, such
// as a Go test binary running the suite's tests again) refuses, so that a
// suite never spawns itself without end.
const suiteChildEnv = "VMT_SUITE_CHILD"

// describeFound says what each argument gave: "12 tests: 10 in tests/, a.star".
func describeFound(found []suite.Found) string {
	total := 0
	var parts []string
	for _, f := range found {
		total += f.Count
		if f.Dir {
			parts = append(parts, fmt.Sprintf("%d *.star in %s", f.Count, f.Arg))
		} else {
			parts = append(parts, f.Arg)
		}
	}
	return count(total, "test") + ": " + strings.Join(parts, ", ")
}

// count says "1 test", "2 tests".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// terminalWidth reports whether the status goes to a terminal that can
// redraw lines, and its width.
func terminalWidth(cmd *cobra.Command) (bool, int) {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !isTerminal(f) || os.Getenv("TERM") == "dumb" {
		return false, 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return true, 80
	}
	return true, int(ws.Col)
}
