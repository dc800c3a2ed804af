package suite

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeTests runs no vmt: each test takes a moment and records how many
// tests and how much memory were in use beside it.
type fakeTests struct {
	need map[string]int

	mu            sync.Mutex
	running       map[string]bool
	usedMB        int
	maxRunning    int
	maxUsedMB     int
	aloneWhenRan  map[string]bool
	onStartCancel func() // called when the first test starts, if set
	events        []string
}

func newFakeTests(jobs []Job) *fakeTests {
	f := &fakeTests{need: map[string]int{}, running: map[string]bool{}, aloneWhenRan: map[string]bool{}}
	for _, j := range jobs {
		f.need[j.Test.Name] = j.NeedMB
	}
	return f
}

func (f *fakeTests) run(ctx context.Context, t Test, progress func(string)) Result {
	f.mu.Lock()
	f.running[t.Name] = true
	f.usedMB += f.need[t.Name]
	f.maxRunning = max(f.maxRunning, len(f.running))
	f.maxUsedMB = max(f.maxUsedMB, f.usedMB)
	f.aloneWhenRan[t.Name] = len(f.running) == 1
	cancel := f.onStartCancel
	f.onStartCancel = nil
	f.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	progress("booting")
	select {
	case <-time.After(20 * time.Millisecond):
	case <-ctx.Done():
	}
	f.mu.Lock()
	f.aloneWhenRan[t.Name] = f.aloneWhenRan[t.Name] && len(f.running) == 1
	delete(f.running, t.Name)
	f.usedMB -= f.need[t.Name]
	f.mu.Unlock()
	outcome := Passed
	if ctx.Err() != nil {
		outcome = Failed
	}
	return Result{Test: t, Outcome: outcome}
}

func (f *fakeTests) record(event string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, event)
}

func (f *fakeTests) Started(t Test)            { f.record("start " + t.Name) }
func (f *fakeTests) Progress(t Test, l string) {}
func (f *fakeTests) Waiting(t Test, needMB, freeMB int) {
	f.record(fmt.Sprintf("wait %s %d %d", t.Name, needMB, freeMB))
}
func (f *fakeTests) TooBig(t Test, needMB, budgetMB int) {
	f.record(fmt.Sprintf("too big %s %d %d", t.Name, needMB, budgetMB))
}
func (f *fakeTests) Finished(r Result) { f.record("end " + r.Test.Name) }

func jobsOf(needs ...int) []Job {
	var jobs []Job
	for i, need := range needs {
		jobs = append(jobs, Job{Test: Test{Name: fmt.Sprintf("t%d.star", i)}, NeedMB: need})
	}
	return jobs
}

func runFake(ctx context.Context, jobs []Job, parallel, budgetMB int) (*fakeTests, []Result) {
	f := newFakeTests(jobs)
	s := &Scheduler{Jobs: parallel, BudgetMB: budgetMB, Run: f.run, Observer: f}
	return f, s.RunAll(ctx, jobs)
}

func checkOutcomes(t *testing.T, jobs []Job, results []Result, want ...Outcome) {
	t.Helper()
	if len(results) != len(jobs) {
		t.Fatalf("%d results for %d jobs", len(results), len(jobs))
	}
	for i, r := range results {
		if r.Test != jobs[i].Test || r.Outcome != want[i] {
			t.Errorf("result %d: %s %s, want %s %s", i, r.Test.Name, r.Outcome, jobs[i].Test.Name, want[i])
		}
	}
}

func TestScheduleRunsJobsAtATime(t *testing.T) {
	jobs := jobsOf(100, 100, 100, 100, 100, 100)
	f, results := runFake(context.Background(), jobs, 2, 0)
	checkOutcomes(t, jobs, results, Passed, Passed, Passed, Passed, Passed, Passed)
	if f.maxRunning != 2 {
		t.Errorf("at most %d tests ran at a time with -j 2", f.maxRunning)
	}
}

// Tests wait for memory rather than overcommit it, in order.
func TestScheduleWaitsForMemory(t *testing.T) {
	jobs := jobsOf(600, 600, 300)
	f, results := runFake(context.Background(), jobs, 4, 1000)
	checkOutcomes(t, jobs, results, Passed, Passed, Passed)
	if f.maxUsedMB > 1000 {
		t.Errorf("the tests used %d MiB together, over the budget of 1000", f.maxUsedMB)
	}
	if !slices.Contains(f.events, "wait t1.star 600 400") {
		t.Errorf("t1 was not reported waiting for memory: %q", f.events)
	}
	// t2 fits beside t0, but starts after t1: no test overtakes another.
	if i, j := slices.Index(f.events, "start t1.star"), slices.Index(f.events, "start t2.star"); i < 0 || j < i {
		t.Errorf("t2 started before t1: %q", f.events)
	}
}

// A test bigger than the whole budget runs, alone, with a warning.
func TestScheduleRunsTooBigTestAlone(t *testing.T) {
	jobs := jobsOf(500, 2000, 500)
	f, results := runFake(context.Background(), jobs, 4, 1000)
	checkOutcomes(t, jobs, results, Passed, Passed, Passed)
	if !f.aloneWhenRan["t1.star"] {
		t.Errorf("t1, needing 2000 MiB of 1000, ran beside another test: %q", f.events)
	}
	if !slices.Contains(f.events, "too big t1.star 2000 1000") {
		t.Errorf("no warning about t1: %q", f.events)
	}
}

// An interruption stops the running tests and starts no other.
func TestScheduleInterrupted(t *testing.T) {
	jobs := jobsOf(100, 100, 100, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeTests(jobs)
	f.onStartCancel = cancel
	s := &Scheduler{Jobs: 1, Run: f.run, Observer: f}
	results := s.RunAll(ctx, jobs)
	checkOutcomes(t, jobs, results, Failed, NotRun, NotRun, NotRun)
	if results[1].Detail == "" {
		t.Error("a test not run says nothing of why")
	}
}
