package runtime

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.starlark.net/starlark"
)

// pollingCondition is a check run before guest commands and monitor
// calls while it is active: the function form of the NixOS driver's
// @polling_condition.
type pollingCondition struct {
	d           *driver
	fn          starlark.Callable
	interval    time.Duration
	description string
	lastCheck   time.Time
}

var _ starlark.HasAttrs = (*pollingCondition)(nil)

func (p *pollingCondition) String() string {
	return fmt.Sprintf("<PollingCondition %s>", p.description)
}
func (p *pollingCondition) Type() string         { return "PollingCondition" }
func (p *pollingCondition) Freeze()              {}
func (p *pollingCondition) Truth() starlark.Bool { return true }
func (p *pollingCondition) Hash() (uint32, error) {
	return 0, errors.New("unhashable: PollingCondition")
}
func (p *pollingCondition) AttrNames() []string { return memberNames("PollingCondition") }
func (p *pollingCondition) Attr(name string) (starlark.Value, error) {
	return member(p.d, "PollingCondition", p, name, pollingMethods, pollingAttrs)
}

func newPollingCondition(c *call) (starlark.Value, error) {
	interval, err := c.args.seconds("seconds_interval")
	if err != nil {
		return nil, err
	}
	fn := c.args.value("fn").(starlark.Callable)
	description, ok := c.args.optStr("description")
	if !ok {
		description = fn.Name()
	}
	p := &pollingCondition{d: c.d, fn: fn, interval: interval, description: description}
	c.d.conditions = append(c.d.conditions, p)
	return p, nil
}

// holds calls the condition once; the error says why it does not hold.
func (p *pollingCondition) holds(t *starlark.Thread) error {
	p.d.checking = true
	defer func() { p.d.checking = false }()
	p.lastCheck = time.Now()
	v, err := starlark.Call(t, p.fn, nil, nil)
	if err != nil {
		return err
	}
	if !v.Truth() {
		return fmt.Errorf("it returned %s", v)
	}
	return nil
}

// checkConditions runs the active conditions that are due, before a guest
// command or monitor call. The calls a condition makes do not check
// conditions again.
func (d *driver) checkConditions(t *starlark.Thread) error {
	if d.checking {
		return nil
	}
	for _, p := range d.conditions {
		if time.Since(p.lastCheck) < p.interval {
			continue
		}
		if err := p.holds(t); err != nil {
			if stop := d.stopped(); stop != nil {
				return stop
			}
			d.log.Line("", fmt.Sprintf("polling condition %q failed: %v", p.description, err))
			return &conditionError{description: p.description, err: err}
		}
	}
	return nil
}

// conditionError is a polling condition that did not hold.
type conditionError struct {
	description string
	err         error
}

func (e *conditionError) Error() string {
	return fmt.Sprintf("polling condition %q failed: %v", e.description, e.err)
}

func (e *conditionError) Unwrap() error { return e.err }

// pollingWait waits until the condition holds.
func pollingWait(p *pollingCondition, c *call) (starlark.Value, error) {
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	s := c.d.log.Nest("", "waiting for polling condition "+p.description)
	err = c.d.waitUntil("polling condition "+p.description, timeout, p.interval, func(bool) error {
		if err := p.holds(c.thread); err != nil {
			if stop := c.d.stopped(); stop != nil {
				return stop
			}
			return &notYet{err}
		}
		return nil
	})
	s.end(err)
	return starlark.None, err
}

// pollingStop deactivates the condition.
func pollingStop(p *pollingCondition, c *call) (starlark.Value, error) {
	c.d.conditions = slices.DeleteFunc(c.d.conditions, func(q *pollingCondition) bool { return q == p })
	return starlark.None, nil
}
