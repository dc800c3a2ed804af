package runtime

import (
	"time"

	"go.starlark.net/starlark"
)

// openSubtest is a subtest in progress.
type openSubtest struct {
	name    string
	section bool // opened by subtest(name), closed by the next one or end_subtest()
	began   time.Time
	step    *step
}

// subtests tracks the subtests of a test: the open ones, innermost last,
// and the finished ones as JUnit test cases.
type subtests struct {
	open     []*openSubtest
	finished []testCase
	// lastErr is the last error a subtest failed with, and failedIn the
	// innermost subtest it failed.
	lastErr  error
	failedIn string
}

// current returns the innermost open subtest, or nil.
func (s *subtests) current() *openSubtest {
	if len(s.open) == 0 {
		return nil
	}
	return s.open[len(s.open)-1]
}

func (d *driver) openSubtest(name string, section bool) *openSubtest {
	st := &openSubtest{name: name, section: section, began: time.Now(), step: d.log.Nest("", "subtest: "+name)}
	d.subtests.open = append(d.subtests.open, st)
	return st
}

// closeSubtest closes st and the subtests opened inside it that are still
// open; err, when set, fails the innermost of them and the others with it.
func (d *driver) closeSubtest(st *openSubtest, err error) {
	for i := len(d.subtests.open) - 1; i >= 0; i-- {
		if d.subtests.open[i] != st {
			continue
		}
		for j := len(d.subtests.open) - 1; j >= i; j-- {
			d.finishSubtest(d.subtests.open[j], err)
		}
		d.subtests.open = d.subtests.open[:i]
		return
	}
}

func (d *driver) finishSubtest(st *openSubtest, err error) {
	st.step.end(err)
	tc := testCase{name: st.name, took: time.Since(st.began)}
	if err != nil && err != d.subtests.lastErr {
		d.subtests.lastErr, d.subtests.failedIn = err, st.name
	}
	if err != nil {
		tc.failure, tc.details = d.describeFailure(err)
	}
	d.subtests.finished = append(d.subtests.finished, tc)
}

// openSection returns the section that a new subtest(name) or an
// end_subtest() closes: the innermost open subtest when it is a section.
// A subtest(name, fn) or nested(message, fn) in progress shields the
// sections outside it.
func (d *driver) openSection() *openSubtest {
	if st := d.subtests.current(); st != nil && st.section && !d.inNestedFn(st) {
		return st
	}
	return nil
}

// subtestBuiltin implements both forms: subtest(name, fn) runs fn as the
// subtest; subtest(name) opens a section lasting until the next one.
func subtestBuiltin(c *call) (starlark.Value, error) {
	name := c.args.str("name")
	if c.args.isNone("fn") {
		if open := c.d.openSection(); open != nil {
			c.d.closeSubtest(open, nil)
		}
		c.d.openSubtest(name, true)
		return starlark.None, nil
	}
	st := c.d.openSubtest(name, false)
	result, err := starlark.Call(c.thread, c.args.value("fn"), nil, nil)
	c.d.closeSubtest(st, err)
	return result, err
}

func endSubtest(c *call) (starlark.Value, error) {
	if open := c.d.openSection(); open != nil {
		c.d.closeSubtest(open, nil)
	}
	return starlark.None, nil
}
