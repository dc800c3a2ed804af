package runtime

import (
	"fmt"
	"slices"

	"go.starlark.net/starlark"
)

// VLan is the Starlark handle of one VLAN of the test.
type VLan struct {
	d      *driver
	nr     int
	engine VLanEngine
}

var _ starlark.HasAttrs = (*VLan)(nil)

func (v *VLan) String() string        { return fmt.Sprintf("<VLan %d>", v.nr) }
func (v *VLan) Type() string          { return "VLan" }
func (v *VLan) Freeze()               {}
func (v *VLan) Truth() starlark.Bool  { return true }
func (v *VLan) Hash() (uint32, error) { return starlark.MakeInt(v.nr).Hash() }
func (v *VLan) AttrNames() []string   { return memberNames("VLan") }
func (v *VLan) Attr(name string) (starlark.Value, error) {
	return member[*VLan](v.d, "VLan", v, name, nil, vlanAttrs)
}

// addVLan returns the handle of VLAN nr, starting its switch the first
// time. A VLAN added while the script runs (a create_machine whose vlans
// are computed) joins `vlans` and gets its vlanN global in the
// environments the script and the REPL see from then on.
func (d *driver) addVLan(nr int) (*VLan, error) {
	for _, v := range d.vlans {
		if v.nr == nr {
			return v, nil
		}
	}
	engine, err := d.opts.Backend.NewVLan(nr, d.log)
	if err != nil {
		return nil, err
	}
	v := &VLan{d: d, nr: nr, engine: engine}
	d.vlans = append(d.vlans, v)
	slices.SortFunc(d.vlans, func(a, b *VLan) int { return a.nr - b.nr })
	list := frozenList(d.vlans)
	for _, env := range d.envs {
		if env["vlans"] == d.vlansValue {
			env["vlans"] = list
		}
		name := fmt.Sprintf("vlan%d", nr)
		if _, taken := env[name]; !taken {
			env[name] = v
		}
	}
	d.vlansValue = list
	return v, nil
}
