package runtime

import (
	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
)

// newBuiltin makes the Starlark builtin of a lang entry: its arguments
// are matched to the entry's parameters before impl runs. name is how
// messages call it.
func newBuiltin(d *driver, name string, fn *lang.Func, impl globalImpl) *starlark.Builtin {
	return starlark.NewBuiltin(fn.Name, func(t *starlark.Thread, _ *starlark.Builtin, pos starlark.Tuple, kw []starlark.Tuple) (starlark.Value, error) {
		a, err := unpackArgs(name, fn, pos, kw)
		if err != nil {
			return nil, err
		}
		return impl(&call{thread: t, d: d, args: a})
	})
}

// member looks up a method or attribute of a value of the lang type typ.
func member[R any](d *driver, typ string, recv R, name string,
	methods map[string]func(R, *call) (starlark.Value, error), attrs map[string]func(R) starlark.Value) (starlark.Value, error) {
	if attr, ok := attrs[name]; ok && lang.Default.Attr(typ, name) != nil {
		return attr(recv), nil
	}
	fn := lang.Default.Method(typ, name)
	impl, ok := methods[name]
	if fn == nil || !ok {
		// lint's words: the static check and the run say it alike.
		return nil, starlark.NoSuchAttrError(analysis.UnknownAttributeMessage(lang.Default.Type(typ), name))
	}
	return newBuiltin(d, fn.Name, fn, func(c *call) (starlark.Value, error) { return impl(recv, c) }), nil
}

// memberNames lists the methods and attributes of a lang type.
func memberNames(typ string) []string { return lang.Default.Type(typ).MemberNames() }
