package analysis

import (
	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// Call is a call of a builtin or method of the table, or of one of the
// script's own functions, with each argument matched to its parameter.
type Call struct {
	Expr  *syntax.CallExpr
	Fn    *lang.Func
	Owner *lang.Type // nil for global builtins and the script's functions
	// Def is the script's function called, nil for the table's.
	Def  *syntax.DefStmt
	Args []BoundArg
	// Problems are argument-count and keyword mistakes.
	Problems []CallProblem
	// Spread is set when the call passes *args or **kwargs, so which
	// parameters are filled is unknown.
	Spread bool
}

// BoundArg is an argument and the parameter it fills.
type BoundArg struct {
	Value syntax.Expr
	Param *lang.Param
}

// CallProblem is an argument mistake and the node it is about.
type CallProblem struct {
	At  syntax.Node
	Msg string
}

// DisplayName is how messages name the callee: `json.dumps()`, `succeed()`.
func (c *Call) DisplayName() string {
	if c.Owner != nil && c.Owner.Module {
		return c.Owner.Name + "." + c.Fn.Name + "()"
	}
	return c.Fn.Name + "()"
}

// scriptFunc is a function the script defines, as calls see it.
type scriptFunc struct {
	def *syntax.DefStmt
	sig *lang.Func // its parameters, of type any
	// calls are the calls of it by name; escapes is set when its name is
	// also used otherwise (passed as a callback), so some callers are
	// unknown.
	calls   []*Call
	escapes bool
}

// calleeOf resolves the function a call expression calls, when it is a
// builtin of the table or a method of a type the inference knows.
func (s *Script) calleeOf(call *syntax.CallExpr) (*lang.Func, *lang.Type) {
	switch fn := Unparen(call.Fn).(type) {
	case *syntax.Ident:
		if b := s.BindingOf(fn); b != nil && b.Scope == resolve.Predeclared {
			return s.Table.Func(fn.Name), nil
		}
	case *syntax.DotExpr:
		if ty := s.Table.Type(NonNone(s.TypeOf(fn.X))); ty != nil {
			if m := s.Table.Method(ty.Name, fn.Name.Name); m != nil {
				return m, ty
			}
		}
	}
	return nil, nil
}

// defOf returns the script's function a call calls by name, or nil.
func (s *Script) defOf(call *syntax.CallExpr) *syntax.DefStmt {
	id, ok := Unparen(call.Fn).(*syntax.Ident)
	if !ok {
		return nil
	}
	if b := s.BindingOf(id); b != nil {
		if bi := s.Bindings[b]; bi != nil && bi.Def != nil && len(bi.Values) == 0 && !bi.Unknown {
			return bi.Def
		}
	}
	return nil
}

// CallOf returns the matched arguments of a call of a known callee.
func (s *Script) CallOf(call *syntax.CallExpr) *Call {
	return s.callsByExpr[call]
}

// collectCalls matches the arguments of every call of a known callee: the
// script's functions first, whose call sites give their parameters types,
// then the table's, whose methods need those types.
func (s *Script) collectCalls() {
	calledAt := map[*syntax.Ident]bool{}
	var tableCalls []*syntax.CallExpr
	syntax.Walk(s.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.DefStmt:
			s.defs[n] = &scriptFunc{def: n, sig: signatureOf(n)}
		case *syntax.CallExpr:
			if def := s.defOf(n); def != nil {
				calledAt[Unparen(n.Fn).(*syntax.Ident)] = true
				if sf := s.defs[def]; sf != nil {
					c := s.bind(n, sf.sig, nil, def)
					sf.calls = append(sf.calls, c)
				} else {
					// Called before its def in the walk: bound below.
					tableCalls = append(tableCalls, n)
				}
			} else {
				tableCalls = append(tableCalls, n)
			}
		}
		return true
	})
	// A function whose name is used other than in a call has callers the
	// inference does not see.
	syntax.Walk(s.File, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok && !calledAt[id] && !s.isSite(id) {
			if b := s.BindingOf(id); b != nil {
				if bi := s.Bindings[b]; bi != nil && bi.Def != nil {
					if sf := s.defs[bi.Def]; sf != nil {
						sf.escapes = true
					}
				}
			}
		}
		return true
	})
	for _, call := range tableCalls {
		if def := s.defOf(call); def != nil {
			if sf := s.defs[def]; sf != nil {
				sf.calls = append(sf.calls, s.bind(call, sf.sig, nil, def))
			}
			continue
		}
		if fn, owner := s.calleeOf(call); fn != nil {
			s.bind(call, fn, owner, nil)
		}
	}
}

// bind matches the arguments of one call and records it.
func (s *Script) bind(call *syntax.CallExpr, fn *lang.Func, owner *lang.Type, def *syntax.DefStmt) *Call {
	c := &Call{Expr: call, Fn: fn, Owner: owner, Def: def}
	var keywords []string
	var values []syntax.Expr
	var at []syntax.Node
	for _, arg := range call.Args {
		switch arg := arg.(type) {
		case *syntax.UnaryExpr:
			if arg.Op == syntax.STAR || arg.Op == syntax.STARSTAR {
				c.Spread = true
				continue
			}
		case *syntax.BinaryExpr:
			if kw, ok := arg.X.(*syntax.Ident); ok && arg.Op == syntax.EQ {
				keywords = append(keywords, kw.Name)
				values = append(values, arg.Y)
				at = append(at, kw)
				continue
			}
		}
		keywords = append(keywords, "")
		values = append(values, arg)
		at = append(at, arg)
	}
	params, problems := Bind(fn, c.DisplayName(), keywords, c.Spread)
	for i, p := range params {
		if p != nil {
			c.Args = append(c.Args, BoundArg{values[i], p})
		}
	}
	for _, p := range problems {
		var node syntax.Node = call.Fn
		if p.Arg >= 0 {
			node = at[p.Arg]
		}
		c.Problems = append(c.Problems, CallProblem{node, p.Msg})
	}
	s.calls = append(s.calls, c)
	s.callsByExpr[call] = c
	return c
}

// signatureOf is a script function's signature in the table's terms, so
// the one binder checks calls of it; its parameters take any type.
func signatureOf(def *syntax.DefStmt) *lang.Func {
	fn := &lang.Func{Name: def.Name.Name, Returns: "any"}
	keywordOnly := false
	for _, param := range def.Params {
		p := lang.Param{Type: "any", Kind: lang.Positional}
		switch param := param.(type) {
		case *syntax.Ident:
			p.Name = param.Name
		case *syntax.BinaryExpr: // name=default
			p.Name = param.X.(*syntax.Ident).Name
			p.Default = "..."
		case *syntax.UnaryExpr:
			if param.X == nil { // a bare *: the rest are keyword-only
				keywordOnly = true
				continue
			}
			p.Name = param.X.(*syntax.Ident).Name
			p.Kind = lang.Variadic
			if param.Op == syntax.STARSTAR {
				p.Kind = lang.VarKeyword
			} else {
				keywordOnly = true
			}
		}
		if keywordOnly && p.Kind == lang.Positional {
			p.Kind = lang.KeywordOnly
		}
		fn.Params = append(fn.Params, p)
	}
	return fn
}
