package suite

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// Config is one suite run.
type Config struct {
	Tests []Test
	Jobs  int // tests at a time, ≥ 1
	// BudgetMB is the memory the tests may take together; 0 for no limit.
	BudgetMB int
	// StartScripts is the number of machines every test gets from NixOS
	// start scripts, on top of those its script creates.
	StartScripts int
	Child        Child
	// JUnitXML, when set, is where the merged JUnit report goes.
	JUnitXML string
	Status   *Status
	// Summary receives the summary table.
	Summary io.Writer
}

// Run runs the tests, writes the summary and the JUnit report, and
// returns the results in the tests' order. Its error is about the report;
// the tests' failures are in the results.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	jobs := make([]Job, len(cfg.Tests))
	for i, t := range cfg.Tests {
		src, err := os.ReadFile(t.Path)
		if err != nil {
			src = nil // the test's own vmt run reports it
		}
		jobs[i] = Job{Test: t, NeedMB: NeedMB(t.Path, src, cfg.StartScripts)}
	}
	if cfg.JUnitXML != "" {
		dir, err := os.MkdirTemp("", "vmt-suite-junit-")
		if err != nil {
			return nil, fmt.Errorf("a directory for the tests' JUnit reports: %w", err)
		}
		defer os.RemoveAll(dir)
		cfg.Child.JUnitDir = dir
	}
	sched := &Scheduler{Jobs: cfg.Jobs, BudgetMB: cfg.BudgetMB, Run: cfg.Child.Run, Observer: cfg.Status}
	began := time.Now()
	results := sched.RunAll(ctx, jobs)
	took := time.Since(began)
	cfg.Status.Close()
	WriteSummary(cfg.Summary, results, took)
	if cfg.JUnitXML != "" {
		return results, WriteJUnit(cfg.JUnitXML, results, took)
	}
	return results, nil
}
