package runtime

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/vmt-dev/vmt/analysis"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/starlark"
)

// args are the arguments of one call matched to the parameters of its
// lang entry, so names, defaults and types come from the symbol table only.
type args struct {
	fn     *lang.Func
	name   string // how messages name the callable: "succeed", "re.search"
	values map[string]starlark.Value
}

// unpackArgs matches a call's arguments to fn's parameters with the
// analysis's binder (so a mistake reads as `vmt lint` words it), fills in
// the defaults and checks each value against the parameter's type.
func unpackArgs(name string, fn *lang.Func, positional starlark.Tuple, kwargs []starlark.Tuple) (*args, error) {
	a := &args{fn: fn, name: name, values: map[string]starlark.Value{}}
	keywords := make([]string, len(positional), len(positional)+len(kwargs))
	values := append(starlark.Tuple(nil), positional...)
	for _, kv := range kwargs {
		keywords = append(keywords, string(kv[0].(starlark.String)))
		values = append(values, kv[1])
	}
	params, problems := analysis.Bind(fn, name+"()", keywords, false)
	if len(problems) > 0 {
		return nil, errors.New(problems[0].Msg)
	}
	var rest starlark.Tuple
	extra := starlark.NewDict(0)
	for i, p := range params {
		switch p.Kind {
		case lang.Variadic:
			rest = append(rest, values[i])
		case lang.VarKeyword:
			extra.SetKey(starlark.String(keywords[i]), values[i])
		default:
			a.values[p.Name] = values[i]
		}
	}
	for _, p := range fn.Params {
		switch p.Kind {
		case lang.Variadic:
			a.values[p.Name] = rest
		case lang.VarKeyword:
			a.values[p.Name] = extra
		}
	}
	for _, p := range fn.Params {
		v, ok := a.values[p.Name]
		if !ok {
			d, err := defaultValue(p.Default)
			if err != nil {
				return nil, fmt.Errorf("%s: default of %s: %v", a.name, p.Name, err)
			}
			a.values[p.Name] = d
			continue
		}
		if err := checkParamType(a.name, p, v); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// defaults caches the evaluated default expressions of the table; they
// are frozen, so a shared [] or {} cannot be changed by a call.
var defaults sync.Map // source → starlark.Value

func defaultValue(src string) (starlark.Value, error) {
	if v, ok := defaults.Load(src); ok {
		return v.(starlark.Value), nil
	}
	v, err := starlark.EvalOptions(lang.FileOptions(), &starlark.Thread{Name: "default"}, "<default>", src, nil)
	if err != nil {
		return nil, err
	}
	v.Freeze()
	defaults.Store(src, v)
	return v, nil
}

// checkParamType checks v against p's type expression; the elements of a
// *args parameter and the values of a **kwargs parameter are checked one
// by one. The message is the one vmt lint gives for a literal.
func checkParamType(name string, p lang.Param, v starlark.Value) error {
	switch p.Kind {
	case lang.Variadic:
		for _, elem := range v.(starlark.Tuple) {
			if !hasType(elem, p.Type) {
				return errors.New(analysis.ArgumentTypeMessage(name+"()", &p, describeValue(elem)))
			}
		}
		return nil
	case lang.VarKeyword:
		return nil
	}
	if !hasType(v, p.Type) {
		return errors.New(analysis.ArgumentTypeMessage(name+"()", &p, describeValue(v)))
	}
	return nil
}

// describeValue names a value's type as the symbol table does, with the
// value when it is short.
func describeValue(v starlark.Value) string {
	typ := v.Type()
	switch typ {
	case "string":
		typ = "str"
	case "NoneType":
		return "None"
	}
	if repr := v.String(); len(repr) <= 30 {
		return typ + " " + repr
	}
	return typ
}

// hasType reports whether v is one of the alternatives of a type
// expression such as "int|float|None" or "list[str]".
func hasType(v starlark.Value, expr string) bool {
	for _, base := range lang.BaseTypes(expr) {
		switch base {
		case "any":
			return true
		case "callable":
			if _, ok := v.(starlark.Callable); ok {
				return true
			}
		case "None":
			if v == starlark.None {
				return true
			}
		case "str":
			if _, ok := v.(starlark.String); ok {
				return true
			}
		default:
			if v.Type() == base {
				return true
			}
		}
	}
	return false
}

// The accessors below are called only for parameters the lang entry
// declares with a matching type, which unpackArgs has checked.

func (a *args) value(name string) starlark.Value {
	v, ok := a.values[name]
	if !ok {
		panic(fmt.Sprintf("runtime: %s has no parameter %s in lang", a.fn.Name, name))
	}
	return v
}

func (a *args) str(name string) string {
	s, _ := starlark.AsString(a.value(name))
	return s
}

// optStr returns a str|None parameter and whether it was a string.
func (a *args) optStr(name string) (string, bool) {
	s, ok := starlark.AsString(a.value(name))
	return s, ok
}

func (a *args) bool(name string) bool {
	return bool(a.value(name).Truth())
}

func (a *args) int(name string) (int, error) {
	var n int
	if err := starlark.AsInt(a.value(name), &n); err != nil {
		return 0, fmt.Errorf("%s: %s: %v", a.name, name, err)
	}
	return n, nil
}

func (a *args) tuple(name string) starlark.Tuple {
	t, _ := a.value(name).(starlark.Tuple)
	return t
}

func (a *args) isNone(name string) bool {
	return a.value(name) == starlark.None
}

// noLimit is the timeout None: no limit of the call's own (the global
// timeout and the waits around the call still apply).
const noLimit time.Duration = -1

// timeout returns a timeout parameter: seconds, or noLimit for None. 0 is
// no time at all (lang.TimeoutRule): waits check once, commands refuse it.
func (a *args) timeout(name string) (time.Duration, error) {
	if a.isNone(name) {
		return noLimit, nil
	}
	return a.seconds(name)
}

// commandTimeout returns the timeout of a guest command the way the
// engine takes it, 0 for none. A command cannot run in no time, so
// timeout=0 is an error rather than a second meaning of 0.
func (a *args) commandTimeout(name string) (time.Duration, error) {
	t, err := a.timeout(name)
	switch {
	case err != nil:
		return 0, err
	case t == noLimit:
		return 0, nil
	case t == 0:
		return 0, fmt.Errorf("%s: timeout=0 leaves the command no time to run; pass timeout=None to let it run without a limit", a.name)
	}
	return t, nil
}

// seconds returns a duration given in seconds (int or float); None is 0.
func (a *args) seconds(name string) (time.Duration, error) {
	v := a.value(name)
	if v == starlark.None {
		return 0, nil
	}
	f, ok := starlark.AsFloat(v)
	if !ok || math.IsNaN(f) || f < 0 || f > math.MaxInt64/float64(time.Second) {
		return 0, fmt.Errorf("%s: %s must be a number of seconds ≥ 0, got %s", a.name, name, v)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// strings returns the elements of a *args of strings.
func (a *args) strings(name string) []string {
	var out []string
	for _, v := range a.tuple(name) {
		s, _ := starlark.AsString(v)
		out = append(out, s)
	}
	return out
}

// joinValues joins values the way print does: strings as they are,
// anything else as its repr.
func joinValues(values starlark.Tuple, sep string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		if s, ok := starlark.AsString(v); ok {
			parts[i] = s
		} else {
			parts[i] = v.String()
		}
	}
	return strings.Join(parts, sep)
}
