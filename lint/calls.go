package lint

import (
	"fmt"
	"slices"

	"github.com/vmt-dev/vmt/internal/suggest"
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// callInfo is a call of a builtin or method of the table, with each
// argument matched to its parameter.
type callInfo struct {
	call  *syntax.CallExpr
	fn    *lang.Func
	owner *lang.Type // nil for global builtins
	args  []boundArg
	// problems are argument-count and keyword mistakes, for call-arguments.
	problems []callProblem
	// splat is set when the call passes *args or **kwargs, so which
	// parameters are filled is unknown.
	splat bool
}

type boundArg struct {
	value syntax.Expr
	param *lang.Param
}

type callProblem struct {
	at  syntax.Node
	msg string
}

// displayName is how messages name the callee: `json.dumps()`, `succeed()`.
func (c *callInfo) displayName() string {
	if c.owner != nil && c.owner.Module {
		return c.owner.Name + "." + c.fn.Name + "()"
	}
	return c.fn.Name + "()"
}

// calleeOf resolves the function a call expression calls, when it is a
// builtin of the table or a method of a type the inference knows.
func (p *pass) calleeOf(call *syntax.CallExpr) (*lang.Func, *lang.Type) {
	switch fn := unparen(call.Fn).(type) {
	case *syntax.Ident:
		if b := bindingOf(fn); b != nil && b.Scope == resolve.Predeclared {
			return p.table.Func(fn.Name), nil
		}
	case *syntax.DotExpr:
		if ty := p.table.Type(p.typeOf(fn.X)); ty != nil {
			if m := p.table.Method(ty.Name, fn.Name.Name); m != nil {
				return m, ty
			}
		}
	}
	return nil, nil
}

// collectCalls matches the arguments of every call of a known callee.
func (p *pass) collectCalls() {
	syntax.Walk(p.file, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if fn, owner := p.calleeOf(call); fn != nil {
				c := bindArgs(call, fn, owner)
				p.calls = append(p.calls, c)
				p.callsByExpr[call] = c
			}
		}
		return true
	})
}

func bindArgs(call *syntax.CallExpr, fn *lang.Func, owner *lang.Type) *callInfo {
	ci := &callInfo{call: call, fn: fn, owner: owner}
	var positional []*lang.Param
	var variadic, varKeyword *lang.Param
	var names []string
	for i := range fn.Params {
		param := &fn.Params[i]
		switch param.Kind {
		case lang.Positional:
			positional = append(positional, param)
			names = append(names, param.Name)
		case lang.KeywordOnly:
			names = append(names, param.Name)
		case lang.Variadic:
			variadic = param
		case lang.VarKeyword:
			varKeyword = param
		}
	}
	byName := func(name string) *lang.Param {
		for i := range fn.Params {
			param := &fn.Params[i]
			if param.Name == name && (param.Kind == lang.Positional || param.Kind == lang.KeywordOnly) {
				return param
			}
		}
		return nil
	}
	filled := map[string]bool{}
	nPositional := 0
	tooMany := false
	for _, arg := range call.Args {
		switch arg := arg.(type) {
		case *syntax.UnaryExpr:
			if arg.Op == syntax.STAR || arg.Op == syntax.STARSTAR {
				ci.splat = true
				continue
			}
		case *syntax.BinaryExpr:
			if kw, ok := arg.X.(*syntax.Ident); ok && arg.Op == syntax.EQ {
				param := byName(kw.Name)
				switch {
				case param == nil && varKeyword != nil:
					ci.args = append(ci.args, boundArg{arg.Y, varKeyword})
				case param == nil:
					msg := fmt.Sprintf("%s has no parameter %q", ci.displayName(), kw.Name)
					if guess := suggest.Closest(kw.Name, names); guess != "" {
						msg += fmt.Sprintf("; did you mean %q?", guess)
					}
					ci.problems = append(ci.problems, callProblem{kw, msg})
				case filled[kw.Name]:
					ci.problems = append(ci.problems, callProblem{kw, fmt.Sprintf("%s got the argument %q twice", ci.displayName(), kw.Name)})
				default:
					filled[kw.Name] = true
					ci.args = append(ci.args, boundArg{arg.Y, param})
				}
				continue
			}
		}
		// A positional argument.
		switch {
		case nPositional < len(positional):
			param := positional[nPositional]
			filled[param.Name] = true
			ci.args = append(ci.args, boundArg{arg, param})
		case variadic != nil:
			ci.args = append(ci.args, boundArg{arg, variadic})
		case !tooMany:
			tooMany = true
			ci.problems = append(ci.problems, callProblem{arg, fmt.Sprintf("%s takes %s, got %d",
				ci.displayName(), countPositional(len(positional)), countArgs(call))})
		}
		nPositional++
	}
	if ci.splat {
		return ci
	}
	for i := range fn.Params {
		param := &fn.Params[i]
		if param.Required() && !filled[param.Name] {
			ci.problems = append(ci.problems, callProblem{call.Fn, fmt.Sprintf("%s is missing the argument %q", ci.displayName(), param.Name)})
		}
	}
	return ci
}

func countPositional(n int) string {
	switch n {
	case 0:
		return "no positional arguments"
	case 1:
		return "at most 1 positional argument"
	}
	return fmt.Sprintf("at most %d positional arguments", n)
}

// countArgs counts the positional arguments of a call.
func countArgs(call *syntax.CallExpr) int {
	n := 0
	for _, arg := range call.Args {
		if bin, ok := arg.(*syntax.BinaryExpr); ok && bin.Op == syntax.EQ {
			continue
		}
		n++
	}
	return n
}

// callInfoOf returns the matched arguments of a call of a known callee.
func (p *pass) callInfoOf(call *syntax.CallExpr) *callInfo {
	return p.callsByExpr[call]
}

// containsCallable reports whether a parameter type takes functions.
func containsCallable(typ string) bool {
	return slices.Contains(lang.BaseTypes(typ), "callable")
}
