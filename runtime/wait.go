package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.starlark.net/starlark"
)

// notYet is what a check returns while its condition does not hold; the
// cause, if any, is reported when the wait times out.
type notYet struct{ cause error }

func (e *notYet) Error() string {
	if e.cause == nil {
		return "condition not met"
	}
	return e.cause.Error()
}

func (e *notYet) Unwrap() error { return e.cause }

// timeoutError is a wait that reached its deadline.
type timeoutError struct {
	what    string
	timeout time.Duration
	last    error // why the last attempt did not succeed, or nil
}

func (e *timeoutError) Error() string {
	msg := fmt.Sprintf("timed out after %s waiting for %s", formatSeconds(e.timeout), e.what)
	if e.timeout == 0 {
		msg = "timed out at once (timeout=0 checks once) waiting for " + e.what
	}
	if e.last != nil {
		msg += " (last attempt: " + e.last.Error() + ")"
	}
	return msg
}

func (e *timeoutError) Unwrap() error { return e.last }

// deadlineError is a guest call cut short by the deadline of a wait.
type deadlineError struct{ err error }

func (e *deadlineError) Error() string { return e.err.Error() }
func (e *deadlineError) Unwrap() error { return e.err }

// callError explains an error of a guest call made under ctx: the test
// was stopped, a wait's deadline passed, or the call itself failed.
func (d *driver) callError(ctx context.Context, err error) error {
	if stop := d.stopped(); stop != nil {
		return stop
	}
	if ctx.Err() != nil {
		return &deadlineError{err}
	}
	return err
}

// finalTrySlack is how long before the deadline the final try of a wait
// starts at the latest, so that its guest commands have time to run.
const finalTrySlack = 200 * time.Millisecond

// waitUntil calls check every interval until it returns nil, failing
// when timeout passes first; the final try starts shortly before the
// deadline. check returns *notYet while the condition does not hold; any
// other error ends the wait at once. Guest calls made by check stop at
// the deadline, so the wait never overruns it by more than a call's
// clean-up. A timeout of 0 gives no time to wait: check runs once, as
// the final try, and its guest calls are bounded only by the waits
// around this one.
func (d *driver) waitUntil(what string, timeout, interval time.Duration, check func(lastTry bool) error) error {
	if timeout <= 0 {
		err := check(true)
		var pending *notYet
		if errors.As(err, &pending) {
			return &timeoutError{what: what, last: pending.cause}
		}
		return err
	}
	deadline := time.Now().Add(timeout)
	lastTry := false
	var last error
	for {
		err := d.within(deadline, func() error { return check(lastTry) })
		var pending *notYet
		var cut *deadlineError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &cut):
			if time.Now().Before(deadline) {
				return err // the deadline of an enclosing wait
			}
			return &timeoutError{what: what, timeout: timeout, last: last}
		case !errors.As(err, &pending):
			return err
		}
		last = pending.cause
		remaining := time.Until(deadline)
		if lastTry || remaining <= 0 {
			return &timeoutError{what: what, timeout: timeout, last: last}
		}
		pause := interval
		if remaining <= interval {
			pause = remaining - min(remaining/2, finalTrySlack)
			lastTry = true
		}
		if len(d.deadlines) > 0 {
			pause = min(pause, time.Until(d.earliestDeadline()))
		}
		if err := d.sleep(pause); err != nil {
			return err
		}
	}
}

// retryBuiltin calls fn once a second until it returns a true value.
func retryBuiltin(c *call) (starlark.Value, error) {
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	fn := c.args.value("fn").(starlark.Callable)
	takesLastTry := false
	if f, ok := fn.(*starlark.Function); ok {
		takesLastTry = f.NumParams() == 1
	}
	s := c.d.log.Nest("", "retrying "+fn.Name())
	err = c.d.waitUntil(fn.Name()+" to return a true value", timeout, time.Second, func(lastTry bool) error {
		var args starlark.Tuple
		if takesLastTry {
			args = starlark.Tuple{starlark.Bool(lastTry)}
		}
		v, err := starlark.Call(c.thread, fn, args, nil)
		if err != nil {
			return err
		}
		if !v.Truth() {
			return &notYet{}
		}
		return nil
	})
	s.end(err)
	return starlark.None, err
}

// formatSeconds writes a duration as whole seconds when it is one.
func formatSeconds(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
