package runtime

import (
	"errors"
	"sync"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// predeclared builds the globals a script of this test sees: the table's
// builtins and values, one global per machine, `machine` when there is
// exactly one, and one per VLAN.
func (d *driver) predeclared() starlark.StringDict {
	g := starlark.StringDict{}
	for _, fn := range lang.Default.Funcs {
		g[fn.Name] = newBuiltin(d, fn.Name, fn, globalFuncs[fn.Name])
	}
	for _, v := range lang.Default.Values {
		g[v.Name] = globalValues[v.Name](d)
	}
	for _, m := range d.machines {
		g[lang.MachineIdent(m.name)] = m
	}
	if len(d.machines) == 1 {
		g[lang.MachineAlias] = d.machines[0]
	}
	for _, v := range d.vlans {
		g[lang.VLANGlobal(v.nr)] = v
	}
	return g
}

// newEnv is a fresh set of predeclared globals for the script or the
// REPL; the driver keeps it to add the VLANs that appear later.
func (d *driver) newEnv() starlark.StringDict {
	env := d.predeclared()
	d.envs = append(d.envs, env)
	return env
}

// makeModule makes one of lang's modules.
func makeModule(d *driver, name string) starlark.Value {
	members := starlark.StringDict{}
	for _, fn := range lang.Default.Type(name).Methods {
		members[fn.Name] = newBuiltin(d, name+"."+fn.Name, fn, moduleFuncs[name][fn.Name])
	}
	return &starlarkstruct.Module{Name: name, Members: members}
}

// frozenList makes a list of values the script cannot change.
func frozenList[T starlark.Value](xs []T) *starlark.List {
	values := make([]starlark.Value, len(xs))
	for i, x := range xs {
		values[i] = x
	}
	l := starlark.NewList(values)
	l.Freeze()
	return l
}

// stringList makes a list of strings.
func stringList(xs []string) *starlark.List {
	values := make([]starlark.Value, len(xs))
	for i, x := range xs {
		values[i] = starlark.String(x)
	}
	return starlark.NewList(values)
}

// startAll starts every machine at once.
func startAll(c *call) (starlark.Value, error) {
	s := c.d.log.Nest("", "starting all VMs")
	var errs []error
	for _, m := range c.d.machines {
		if m.engine == nil {
			continue
		}
		m.started = true
		if err := m.engine.Start(); err != nil {
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	s.end(err)
	return starlark.None, err
}

// joinAll waits until every machine has powered off.
func joinAll(c *call) (starlark.Value, error) {
	s := c.d.log.Nest("", "waiting for all VMs to finish")
	var wg sync.WaitGroup
	errs := make([]error, len(c.d.machines))
	ctx, cancel := c.d.callContext()
	defer cancel()
	for i, m := range c.d.machines {
		if m.engine == nil {
			continue
		}
		power, err := role[Power](m)
		if err != nil {
			errs[i] = err
			continue
		}
		wg.Go(func() { errs[i] = power.WaitForShutdown(ctx) })
	}
	wg.Wait()
	err := errors.Join(errs...)
	if err != nil {
		err = c.d.callError(ctx, err)
	}
	s.end(err)
	return starlark.None, err
}

func serialStdoutOn(c *call) (starlark.Value, error) {
	c.d.log.serial.Store(true)
	return starlark.None, nil
}

func serialStdoutOff(c *call) (starlark.Value, error) {
	c.d.log.serial.Store(false)
	return starlark.None, nil
}

func logBuiltin(c *call) (starlark.Value, error) {
	c.d.log.Line("", joinValues(c.args.tuple("messages"), " "))
	return starlark.None, nil
}

func printBuiltin(c *call) (starlark.Value, error) {
	c.d.log.Line("", joinValues(c.args.tuple("args"), c.args.str("sep")))
	return starlark.None, nil
}

// failBuiltin fails the test with a message.
func failBuiltin(c *call) (starlark.Value, error) {
	return nil, errors.New(joinValues(c.args.tuple("args"), c.args.str("sep")))
}
