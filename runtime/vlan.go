package runtime

import (
	"fmt"
	"slices"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
)

// VLAN is the Starlark handle of one VLAN of the test.
type VLAN struct {
	d      *driver
	nr     int
	engine VLANEngine
}

var _ starlark.HasAttrs = (*VLAN)(nil)

func (v *VLAN) String() string        { return fmt.Sprintf("<VLan %d>", v.nr) }
func (v *VLAN) Type() string          { return lang.VLANType }
func (v *VLAN) Freeze()               {}
func (v *VLAN) Truth() starlark.Bool  { return true }
func (v *VLAN) Hash() (uint32, error) { return starlark.MakeInt(v.nr).Hash() }
func (v *VLAN) AttrNames() []string   { return memberNames(lang.VLANType) }
func (v *VLAN) Attr(name string) (starlark.Value, error) {
	return member[*VLAN](v.d, lang.VLANType, v, name, nil, vlanAttrs)
}

// addVLAN returns the handle of VLAN nr, starting its switch the first
// time. A VLAN added while the script runs (a create_machine whose vlans
// are computed) joins `vlans` and gets its vlanN global in the
// environments the script and the REPL see from then on.
func (d *driver) addVLAN(nr int) (*VLAN, error) {
	for _, v := range d.vlans {
		if v.nr == nr {
			return v, nil
		}
	}
	engine, err := d.opts.Backend.NewVLAN(nr)
	if err != nil {
		return nil, err
	}
	v := &VLAN{d: d, nr: nr, engine: engine}
	d.vlans = append(d.vlans, v)
	slices.SortFunc(d.vlans, func(a, b *VLAN) int { return a.nr - b.nr })
	list := frozenList(d.vlans)
	for _, env := range d.envs {
		if env[lang.VLANsGlobal] == d.vlansValue {
			env[lang.VLANsGlobal] = list
		}
		name := lang.VLANGlobal(nr)
		if _, taken := env[name]; !taken {
			env[name] = v
		}
	}
	d.vlansValue = list
	return v, nil
}
