package runtime

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.starlark.net/starlark"
)

func machineWaitForConsoleText(m *Machine, c *call) (starlark.Value, error) {
	console, err := role[Console](m)
	if err != nil {
		return nil, err
	}
	re, err := compileArg(c, "regex")
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	err = m.step("waiting for "+re.String()+" to appear on the console", func() error {
		ctx, cancel := c.d.callContext()
		defer cancel()
		wait := timeout
		switch timeout {
		case noLimit:
			wait = 0 // the engine's "none"
		case 0:
			wait = time.Nanosecond // what the console holds already, at once
		}
		if _, err := console.WaitForConsoleText(ctx, re, wait); err != nil {
			if timeout == 0 && errors.Is(err, ErrTimeout) {
				return fmt.Errorf("%s: timed out at once (timeout=0 checks once) waiting for console text matching %q", m.name, re)
			}
			return c.d.callError(ctx, err)
		}
		return nil
	})
	return starlark.None, err
}

func machineGetConsoleLog(m *Machine, _ *call) (starlark.Value, error) {
	console, err := role[Console](m)
	if err != nil {
		return nil, err
	}
	return starlark.String(console.ConsoleLog()), nil
}

func machineSendConsole(m *Machine, c *call) (starlark.Value, error) {
	console, err := role[Console](m)
	if err != nil {
		return nil, err
	}
	chars := c.args.str("chars")
	return starlark.None, m.step(fmt.Sprintf("sending %q to the console", chars), func() error {
		return console.SendConsole(chars)
	})
}

// monitor sends an HMP command after the polling conditions.
func (m *Machine) monitor(c *call, command string) (string, error) {
	var out string
	err := engineCall(m, c, func(monitor Monitor, ctx context.Context) error {
		var err error
		out, err = monitor.SendMonitorCommand(ctx, command)
		return err
	})
	return out, err
}

func machineSendMonitorCommand(m *Machine, c *call) (starlark.Value, error) {
	command := c.args.str("command")
	var out string
	err := m.step("sending monitor command: "+command, func() error {
		var err error
		out, err = m.monitor(c, command)
		return err
	})
	return starlark.String(out), err
}

// engineCall runs a call of the engine in role R that talks to QEMU,
// after the polling conditions and within the deadline of the waits in
// progress.
func engineCall[R any](m *Machine, c *call, fn func(R, context.Context) error) error {
	eng, err := role[R](m)
	if err != nil {
		return err
	}
	if err := c.d.checkConditions(c.thread); err != nil {
		return err
	}
	ctx, cancel := c.d.callContext()
	defer cancel()
	if err := fn(eng, ctx); err != nil {
		return c.d.callError(ctx, err)
	}
	return nil
}

// engineStep runs an engine call as a step of the log.
func engineStep[R any](m *Machine, c *call, msg string, fn func(R, context.Context) error) (starlark.Value, error) {
	if _, err := role[R](m); err != nil {
		return nil, err
	}
	return starlark.None, m.step(msg, func() error { return engineCall(m, c, fn) })
}

func machineForwardPort(m *Machine, c *call) (starlark.Value, error) {
	host, err := c.args.int("host_port")
	if err != nil {
		return nil, err
	}
	guest, err := c.args.int("guest_port")
	if err != nil {
		return nil, err
	}
	return engineStep(m, c, fmt.Sprintf("forwarding host port %d to guest port %d", host, guest), func(network Network, ctx context.Context) error {
		return network.ForwardPort(ctx, host, guest)
	})
}

func machineBlock(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "unplugging from the VLANs", Network.Block)
}

func machineUnblock(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "plugging back into the VLANs", Network.Unblock)
}

// machineWaitForQMPEvent returns the first QMP event the filter accepts;
// the filter runs here, on the script's thread, one event at a time.
func machineWaitForQMPEvent(m *Machine, c *call) (starlark.Value, error) {
	monitor, err := role[Monitor](m)
	if err != nil {
		return nil, err
	}
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	filter := c.args.value("event_filter")
	var accepted starlark.Value
	err = m.step("waiting for a QMP event", func() error {
		if err := c.d.checkConditions(c.thread); err != nil {
			return err
		}
		// timeout=0 looks once at the events received so far.
		deadline := time.Now().Add(timeout)
		for {
			remaining := time.Until(deadline)
			if timeout == 0 {
				remaining = time.Nanosecond
			} else if remaining <= 0 {
				return fmt.Errorf("%s: no accepted QMP event within %s", m.name, formatSeconds(timeout))
			}
			ctx, cancel := c.d.callContext()
			event, err := monitor.WaitForMonitorEvent(ctx, remaining)
			if timeout == 0 && errors.Is(err, ErrTimeout) {
				cancel()
				return fmt.Errorf("%s: timed out at once (timeout=0 checks once): no accepted QMP event among those received", m.name)
			}
			if err != nil {
				err = c.d.callError(ctx, err)
				cancel()
				return err
			}
			cancel()
			value, err := eventValue(event)
			if err != nil {
				return err
			}
			ok, err := starlark.Call(c.thread, filter, starlark.Tuple{value}, nil)
			if err != nil {
				return err
			}
			if ok.Truth() {
				accepted = value
				return nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return accepted, nil
}

// eventValue turns a QMP event into a dict: event, data, timestamp.
func eventValue(e MonitorEvent) (starlark.Value, error) {
	data, err := goToStarlark(e.Data)
	if err != nil {
		return nil, fmt.Errorf("QMP event %s: %v", e.Name, err)
	}
	ts := starlark.NewDict(2)
	ts.SetKey(starlark.String("seconds"), starlark.MakeInt64(e.Time.Unix()))
	ts.SetKey(starlark.String("microseconds"), starlark.MakeInt64(int64(e.Time.Nanosecond()/1000)))
	d := starlark.NewDict(3)
	d.SetKey(starlark.String("event"), starlark.String(e.Name))
	d.SetKey(starlark.String("data"), data)
	d.SetKey(starlark.String("timestamp"), ts)
	return d, nil
}

// goToStarlark converts decoded JSON (maps, slices, float64, ...).
func goToStarlark(v any) (starlark.Value, error) {
	switch x := v.(type) {
	case nil:
		return starlark.None, nil
	case bool:
		return starlark.Bool(x), nil
	case string:
		return starlark.String(x), nil
	case float64:
		if x == float64(int64(x)) {
			return starlark.MakeInt64(int64(x)), nil
		}
		return starlark.Float(x), nil
	case []any:
		elems := make([]starlark.Value, len(x))
		for i, e := range x {
			var err error
			if elems[i], err = goToStarlark(e); err != nil {
				return nil, err
			}
		}
		return starlark.NewList(elems), nil
	case map[string]any:
		d := starlark.NewDict(len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			ev, err := goToStarlark(x[k])
			if err != nil {
				return nil, err
			}
			d.SetKey(starlark.String(k), ev)
		}
		return d, nil
	}
	return nil, fmt.Errorf("unexpected JSON value %T", v)
}
