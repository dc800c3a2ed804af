package runtime

import (
	"fmt"
	"sync"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
)

// Machine is the Starlark handle of one machine of the test.
type Machine struct {
	d    *driver
	name string
	spec MachineSpec
	// engine is nil for a machine the script declares, until its
	// create_machine call has run. The script's thread sets it with
	// setEngine; the control socket's goroutines read it with
	// currentEngine.
	engine   Engine
	engineMu sync.Mutex
	// started is set once the script has started the machine, directly or
	// by a command: allow_reboot can no longer change then.
	started bool
}

var _ starlark.HasAttrs = (*Machine)(nil)

// setEngine gives the machine its spec and engine.
func (m *Machine) setEngine(spec MachineSpec, e Engine) {
	m.engineMu.Lock()
	defer m.engineMu.Unlock()
	m.spec, m.engine = spec, e
}

// currentEngine returns the machine's engine, or nil, from any goroutine.
func (m *Machine) currentEngine() Engine {
	m.engineMu.Lock()
	defer m.engineMu.Unlock()
	return m.engine
}

func (m *Machine) String() string        { return fmt.Sprintf("<Machine %s>", m.name) }
func (m *Machine) Type() string          { return lang.MachineType }
func (m *Machine) Freeze()               {}
func (m *Machine) Truth() starlark.Bool  { return true }
func (m *Machine) Hash() (uint32, error) { return starlark.String(m.name).Hash() }

func (m *Machine) AttrNames() []string { return memberNames(lang.MachineType) }

func (m *Machine) Attr(name string) (starlark.Value, error) {
	return member(m.d, lang.MachineType, m, name, machineMethods, machineAttrs)
}

// eng returns the machine's engine, or an error for a declared machine
// used before its create_machine call.
func (m *Machine) eng() (Engine, error) {
	if m.engine == nil {
		return nil, fmt.Errorf("machine %s is used before create_machine(%q, ...) declares it", m.name, m.name)
	}
	return m.engine, nil
}

// step runs fn as a nested, timed step of the log.
func (m *Machine) step(msg string, fn func() error) error {
	s := m.d.log.Nest(m.name, msg)
	err := fn()
	s.end(err)
	return err
}
