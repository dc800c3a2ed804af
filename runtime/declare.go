package runtime

import (
	"fmt"

	"go.starlark.net/starlark"
)

// createMachine makes the engine of a machine the script declares; its
// global exists from the start (the name is a literal, found before the
// script runs), and this call gives it its configuration.
func createMachine(c *call) (starlark.Value, error) {
	name := c.args.str("name")
	var m *Machine
	for _, candidate := range c.d.machines {
		if candidate.name == name {
			m = candidate
		}
	}
	if m == nil {
		return nil, fmt.Errorf("create_machine: write the machine name as a string literal, as in create_machine(%q), so that its global exists before the script runs", name)
	}
	if m.engine != nil {
		return nil, fmt.Errorf("create_machine: machine %s already exists", name)
	}
	spec := m.spec
	spec.KeepState = c.args.bool("keep_machine_state")
	spec.BootTimeout = c.d.opts.BootTimeout
	if !c.args.isNone("boot_timeout") {
		t, err := c.args.seconds("boot_timeout")
		if f, _ := starlark.AsFloat(c.args.value("boot_timeout")); !(f > 0) || err == nil && t <= 0 {
			// 0 does not mean "no limit" here: a boot wait must end.
			err = fmt.Errorf("create_machine: boot_timeout must be a number of seconds > 0, got %s", c.args.value("boot_timeout"))
		}
		if err != nil {
			return nil, err
		}
		spec.BootTimeout = t
	}
	if script, ok := c.args.optStr("start_command"); ok {
		spec.StartScript = c.d.hostPath(script)
	} else {
		decl, err := declaration(c)
		if err != nil {
			return nil, err
		}
		spec.Declared = decl
		for _, nr := range decl.VLANs {
			if _, err := c.d.addVLAN(nr); err != nil {
				return nil, err
			}
		}
	}
	engine, err := c.d.opts.Backend.NewMachine(spec, c.d.log)
	if err != nil {
		return nil, err
	}
	m.setEngine(spec, engine)
	return m, nil
}

// declaration reads the options of create_machine, whose names follow
// NixOS's qemu-vm.nix.
func declaration(c *call) (*Declaration, error) {
	var d Declaration
	var err error
	if d.MemoryMB, err = c.args.int("memory_size"); err != nil {
		return nil, err
	}
	if d.Cores, err = c.args.int("cores"); err != nil {
		return nil, err
	}
	d.Kernel, _ = c.args.optStr("kernel")
	d.Initrd, _ = c.args.optStr("initrd")
	d.DiskImage, _ = c.args.optStr("disk_image")
	d.RootFS, _ = c.args.optStr("rootfs")
	d.RootFS = c.d.hostPath(d.RootFS)
	d.Arch, _ = c.args.optStr("arch")
	if d.KernelParams, err = stringsArg(c, "kernel_params"); err != nil {
		return nil, err
	}
	if d.QEMUFlags, err = stringsArg(c, "qemu_flags"); err != nil {
		return nil, err
	}
	if d.EmptyDisks, err = intsArg(c, "empty_disks"); err != nil {
		return nil, err
	}
	if d.VLANs, err = intsArg(c, "vlans"); err != nil {
		return nil, err
	}
	shared := c.args.value("shared_dirs").(*starlark.Dict)
	for _, kv := range shared.Items() {
		mount, ok1 := starlark.AsString(kv[0])
		host, ok2 := starlark.AsString(kv[1])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("create_machine: shared_dirs maps guest mount points to host paths, both strings; got %s: %s", kv[0], kv[1])
		}
		d.SharedDirs = append(d.SharedDirs, SharedDir{HostPath: host, GuestPath: mount})
	}
	ports := c.args.value("forward_ports").(*starlark.Dict)
	for _, kv := range ports.Items() {
		var host, guest int
		if starlark.AsInt(kv[0], &host) != nil || starlark.AsInt(kv[1], &guest) != nil {
			return nil, fmt.Errorf("create_machine: forward_ports maps host ports to guest ports, both ints; got %s: %s", kv[0], kv[1])
		}
		d.ForwardPorts = append(d.ForwardPorts, PortForward{HostPort: host, GuestPort: guest})
	}
	c.d.resolveDeclaration(&d) // relative to the script, like every host path
	return &d, nil
}

func stringsArg(c *call, name string) ([]string, error) {
	list := c.args.value(name).(*starlark.List)
	out := make([]string, list.Len())
	for i := range out {
		s, ok := starlark.AsString(list.Index(i))
		if !ok {
			return nil, fmt.Errorf("%s: %s must hold strings, got %s", c.args.name, name, list.Index(i).Type())
		}
		out[i] = s
	}
	return out, nil
}

func intsArg(c *call, name string) ([]int, error) {
	list := c.args.value(name).(*starlark.List)
	out := make([]int, list.Len())
	for i := range out {
		if err := starlark.AsInt(list.Index(i), &out[i]); err != nil {
			return nil, fmt.Errorf("%s: %s must hold ints, got %s", c.args.name, name, list.Index(i).Type())
		}
	}
	return out, nil
}
