package suite

import (
	"context"
	"time"
)

// Outcome is how a test ended.
type Outcome int

const (
	Passed  Outcome = iota
	Failed          // the test failed, or its vmt died
	Errored         // it could not start: its script or flags were refused (vmt run's exit 2)
	NotRun          // the suite was interrupted before its turn
)

func (o Outcome) String() string {
	return [...]string{"passed", "failed", "error", "not run"}[o]
}

// Result is what one test's run gives back.
type Result struct {
	Test    Test
	Outcome Outcome
	Took    time.Duration
	Detail  string   // why it failed, in one line; "" when it passed
	Tail    []string // the last lines of its log when it did not pass
	Log     string   // its log file, "" when it has none
	JUnit   []byte   // its own JUnit report, nil when it wrote none
}

// Job is a test with the memory it needs.
type Job struct {
	Test   Test
	NeedMB int
}

// Runner runs one test to its end; progress is called with each line of
// its output. It stops the test soon after ctx ends.
type Runner func(ctx context.Context, t Test, progress func(line string)) Result

// Observer hears what the scheduler does; its methods are called from
// several goroutines.
type Observer interface {
	Started(t Test)
	Progress(t Test, line string)
	// Waiting says a test waits for memory: needMB does not fit in the
	// freeMB left of the budget.
	Waiting(t Test, needMB, freeMB int)
	// TooBig says a test needs more than the whole budget: it runs alone.
	TooBig(t Test, needMB, budgetMB int)
	Finished(r Result)
}

// Scheduler runs jobs in order, at most Jobs at a time and no more than
// fit in BudgetMB together (0: no memory limit). A job waits for its turn
// rather than overcommit memory; one bigger than the whole budget runs
// alone instead of waiting forever.
type Scheduler struct {
	Jobs     int
	BudgetMB int
	Run      Runner
	Observer Observer
}

// RunAll runs the jobs and returns their results in the jobs' order. When
// ctx ends, running tests are stopped and those not started are NotRun.
func (s *Scheduler) RunAll(ctx context.Context, jobs []Job) []Result {
	results := make([]Result, len(jobs))
	type finished struct {
		index  int
		result Result
	}
	done := make(chan finished)
	running, usedMB, next := 0, 0, 0
	waiting := -1 // the job last announced as waiting for memory
	for next < len(jobs) || running > 0 {
		if next < len(jobs) && ctx.Err() == nil && running < max(s.Jobs, 1) {
			job := jobs[next]
			if s.fits(job.NeedMB, usedMB, running) {
				if s.BudgetMB > 0 && job.NeedMB > s.BudgetMB {
					s.Observer.TooBig(job.Test, job.NeedMB, s.BudgetMB)
				}
				s.Observer.Started(job.Test)
				running++
				usedMB += job.NeedMB
				go func(index int, job Job) {
					progress := func(line string) { s.Observer.Progress(job.Test, line) }
					done <- finished{index, s.Run(ctx, job.Test, progress)}
				}(next, job)
				next++
				continue
			}
			if waiting != next {
				waiting = next
				s.Observer.Waiting(job.Test, job.NeedMB, s.BudgetMB-usedMB)
			}
		}
		if running == 0 {
			break // interrupted with nothing left running
		}
		f := <-done // after ctx ends too: the runners stop their tests
		running--
		usedMB -= jobs[f.index].NeedMB
		results[f.index] = f.result
		s.Observer.Finished(f.result)
	}
	for i := next; i < len(jobs); i++ {
		results[i] = Result{Test: jobs[i].Test, Outcome: NotRun, Detail: "interrupted before it started"}
	}
	return results
}

// fits reports whether a job needing needMB may start beside running
// jobs that use usedMB; one too big for the budget starts when no other
// runs.
func (s *Scheduler) fits(needMB, usedMB, running int) bool {
	return s.BudgetMB <= 0 || running == 0 || usedMB+needMB <= s.BudgetMB
}
