package runtime

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.starlark.net/starlark"
)

// machineStart starts the machine without waiting for its boot. An
// allow_reboot that differs from how the machine was made remakes its
// engine before its first start.
func machineStart(m *Machine, c *call) (starlark.Value, error) {
	eng, err := m.eng()
	if err != nil {
		return nil, err
	}
	if eng.Booted() {
		return starlark.None, nil
	}
	if allow := c.args.bool("allow_reboot"); allow != m.spec.AllowReboot {
		if m.started {
			return nil, fmt.Errorf("%s: allow_reboot=%s must be given at the machine's first start", m.name, starlark.Bool(allow))
		}
		spec := m.spec
		spec.AllowReboot = allow
		remade, err := c.d.opts.Backend.NewMachine(spec, c.d.log)
		if err != nil {
			return nil, err
		}
		if err := eng.Release(); err != nil {
			return nil, err
		}
		m.setEngine(spec, remade)
		eng = remade
	}
	m.started = true
	return starlark.None, m.step("starting", eng.Start)
}

// machineConnect waits for the guest's root shell, booting it if needed.
func machineConnect(m *Machine, c *call) (starlark.Value, error) {
	shell, err := role[GuestCommands](m)
	if err != nil {
		return nil, err
	}
	ctx, cancel := c.d.callContext()
	defer cancel()
	m.started = true
	if err := shell.Connect(ctx); err != nil {
		return nil, c.d.callError(ctx, err)
	}
	return starlark.None, nil
}

func machineIsUp(m *Machine, _ *call) (starlark.Value, error) {
	return starlark.Bool(shellUp(m.engine)), nil
}

// shellUp reports whether an engine, nil before create_machine, has its
// guest's shell connected.
func shellUp(e Engine) bool {
	shell, ok := e.(GuestCommands)
	return ok && shell.IsUp()
}

func machineShutdown(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "shutting down", Power.Shutdown)
}

func machineCrash(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "crashing", func(power Power, _ context.Context) error { return power.Crash() })
}

func machineReboot(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "rebooting", Power.Reboot)
}

func machineWaitForShutdown(m *Machine, c *call) (starlark.Value, error) {
	return engineStep(m, c, "waiting for the VM to power off", Power.WaitForShutdown)
}

// switchRootText is what systemd prints when it leaves the initrd.
var switchRootText = regexp.MustCompile(`systemd\[1\]:.*Switching root\.`)

// machineSwitchRoot moves a guest whose initrd runs the backdoor shell on
// to its real root file system, as the NixOS driver does.
func machineSwitchRoot(m *Machine, c *call) (starlark.Value, error) {
	shell, err := role[GuestCommands](m)
	if err != nil {
		return nil, err
	}
	console, err := role[Console](m)
	if err != nil {
		return nil, err
	}
	err = m.step("switching root", func() error {
		if err := m.waitForUnit(c, "initrd.target", "", 900*time.Second); err != nil {
			return err
		}
		if _, _, err := m.run(c, "systemctl isolate --no-block initrd-switch-root.target 2>/dev/null >/dev/null", 0); err != nil {
			return err
		}
		shell.ExpectReconnect() // the shell of the initrd goes away with it
		ctx, cancel := c.d.callContext()
		defer cancel()
		if _, err := console.WaitForConsoleText(ctx, switchRootText, 0); err != nil {
			return c.d.callError(ctx, err)
		}
		if err := shell.Connect(ctx); err != nil {
			return c.d.callError(ctx, err)
		}
		return nil
	})
	return starlark.None, err
}
