package runtime

import (
	"fmt"
	"strings"
	"time"

	"go.starlark.net/starlark"
)

// systemctlLine builds a systemctl command line for the system manager,
// or for user's manager through su. args must already be shell words,
// with "--" before the words that come from the script. The user comes
// after "--" too (su of util-linux, shadow and busybox accept it), so
// that a name such as "-c" is not an option.
func systemctlLine(args, user string) string {
	if user == "" {
		return "systemctl " + args
	}
	inner := "XDG_RUNTIME_DIR=/run/user/$(id -u) systemctl --user " + args
	return fmt.Sprintf("su -l -s /bin/sh -c %s -- %s", shellQuote(inner), shellQuote(user))
}

// optionalUser returns the user parameter, "" when it is None.
func optionalUser(c *call) string {
	user, _ := c.args.optStr("user")
	return user
}

func machineSystemctl(m *Machine, c *call) (starlark.Value, error) {
	return m.systemctl(c, c.args.str("q"), optionalUser(c))
}

// systemctl runs systemctl and returns (status, stdout) like execute.
func (m *Machine) systemctl(c *call, args, user string) (starlark.Value, error) {
	command := systemctlLine(args, user)
	var status int
	var out []byte
	err := m.step("executing: "+command, func() error {
		var err error
		status, out, err = m.run(c, command, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return starlark.Tuple{starlark.MakeInt(status), starlark.String(out)}, nil
}

// unitInfo returns the properties of a unit as `systemctl show` lists them.
func (m *Machine) unitInfo(c *call, unit, user string) (map[string]string, []string, error) {
	command := systemctlLine("--no-pager show -- "+shellQuote(unit), user)
	status, out, err := m.run(c, command, 0)
	if err != nil {
		return nil, nil, err
	}
	if status != 0 {
		return nil, nil, fmt.Errorf("%s: retrieving the properties of unit %q: %w", m.name, unit,
			&commandError{machine: m.name, command: command, status: status, output: out})
	}
	props := map[string]string{}
	var order []string
	for _, line := range strings.Split(string(out), "\n") {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if _, dup := props[key]; !dup {
			order = append(order, key)
		}
		props[key] = value
	}
	return props, order, nil
}

func machineGetUnitInfo(m *Machine, c *call) (starlark.Value, error) {
	unit := c.args.str("unit")
	var props map[string]string
	var order []string
	err := m.step("getting the properties of "+unit, func() error {
		var err error
		props, order, err = m.unitInfo(c, unit, optionalUser(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	d := starlark.NewDict(len(order))
	for _, k := range order {
		d.SetKey(starlark.String(k), starlark.String(props[k]))
	}
	return d, nil
}

// unitProperty reads one property with systemctl show --property.
func (m *Machine) unitProperty(c *call, unit, property, user string) (string, error) {
	command := systemctlLine(fmt.Sprintf("--no-pager show --property=%s -- %s", shellQuote(property), shellQuote(unit)), user)
	status, out, err := m.run(c, command, 0)
	if err != nil {
		return "", err
	}
	if status != 0 {
		return "", fmt.Errorf("%s: retrieving property %s of unit %q: %w", m.name, property, unit,
			&commandError{machine: m.name, command: command, status: status, output: out})
	}
	line := strings.TrimRight(string(out), "\n")
	value, ok := strings.CutPrefix(line, property+"=")
	if !ok {
		return "", fmt.Errorf("%s: systemctl show printed %q for property %s of unit %q, want %s=VALUE", m.name, line, property, unit, property)
	}
	return value, nil
}

func machineGetUnitProperty(m *Machine, c *call) (starlark.Value, error) {
	unit, property := c.args.str("unit"), c.args.str("property")
	var value string
	err := m.step(fmt.Sprintf("getting property %s of %s", property, unit), func() error {
		var err error
		value, err = m.unitProperty(c, unit, property, optionalUser(c))
		return err
	})
	return starlark.String(value), err
}

func machineRequireUnitState(m *Machine, c *call) (starlark.Value, error) {
	unit, want := c.args.str("unit"), c.args.str("require_state")
	err := m.step(fmt.Sprintf("checking that unit %s is %s", unit, want), func() error {
		state, err := m.unitProperty(c, unit, "ActiveState", "")
		if err != nil {
			return err
		}
		if state != want {
			return fmt.Errorf("%s: unit %q is %q, want %q", m.name, unit, state, want)
		}
		return nil
	})
	return starlark.None, err
}

func machineStartJob(m *Machine, c *call) (starlark.Value, error) {
	return m.systemctl(c, "start -- "+shellQuote(c.args.str("jobname")), optionalUser(c))
}

func machineStopJob(m *Machine, c *call) (starlark.Value, error) {
	return m.systemctl(c, "stop -- "+shellQuote(c.args.str("jobname")), optionalUser(c))
}

func machineWaitForUnit(m *Machine, c *call) (starlark.Value, error) {
	timeout, err := c.args.timeout("timeout")
	if err != nil {
		return nil, err
	}
	return starlark.None, m.waitForUnit(c, c.args.str("unit"), optionalUser(c), timeout)
}

// waitForUnit waits until a unit is active, failing early when it failed
// or is inactive with no job pending, as the NixOS driver does.
func (m *Machine) waitForUnit(c *call, unit, user string, timeout time.Duration) error {
	return m.step("waiting for unit "+unit, func() error {
		return c.d.waitUntil("unit "+unit+" to be active", timeout, time.Second, func(bool) error {
			state, err := m.unitProperty(c, unit, "ActiveState", user)
			if err != nil {
				return err
			}
			switch state {
			case "active":
				return nil
			case "failed":
				return fmt.Errorf("%s: unit %q reached state %q", m.name, unit, state)
			case "inactive":
				status, jobs, err := m.run(c, systemctlLine("list-jobs --full 2>&1", user), 0)
				if err != nil {
					return err
				}
				if status == 0 && strings.Contains(string(jobs), "No jobs") {
					state, err := m.unitProperty(c, unit, "ActiveState", user)
					if err != nil {
						return err
					}
					if state == "inactive" {
						return fmt.Errorf("%s: unit %q is inactive and there are no pending jobs", m.name, unit)
					}
				}
			}
			return &notYet{fmt.Errorf("unit %q is %s", unit, state)}
		})
	})
}
