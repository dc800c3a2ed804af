package analysis

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// Script is one analysis of one script: its tree with resolved names, its
// globals, the bindings it makes, the calls of the table's functions and
// of its own, and the types inferred for them. Types are inferred on
// demand, so a Script is not safe for concurrent use.
type Script struct {
	Filename string
	Src      []byte
	Table    *lang.Table
	// File is the syntax tree, nil when the script does not parse even
	// with its broken lines repaired.
	File       *syntax.File
	Globals    *Globals
	Directives Directives
	// Bindings gathers, per variable, its sites and uses.
	Bindings map[*resolve.Binding]*Binding

	// repaired lists the 1-based lines replaced to parse the script; their
	// names are unknown, so checks do not report what they would bind.
	repaired map[int]bool
	// calls are the calls of the table's functions and methods and of the
	// script's own functions, arguments matched to parameters.
	calls       []*Call
	callsByExpr map[*syntax.CallExpr]*Call
	// sites are the identifiers that bind a name rather than use it.
	sites map[*syntax.Ident]SiteKind
	// cells are the variables nested functions use, by first site.
	cells map[*syntax.Ident]*resolve.Binding
	// syntaxErrors are the parser's errors, one per broken line.
	syntaxErrors []syntaxError
	// resolveErrors are the resolver's complaints other than undefined
	// names and repeated keywords, which checks report themselves.
	resolveErrors []resolve.Error
	types         map[*resolve.Binding]string
	defs          map[*syntax.DefStmt]*scriptFunc
	errors        []Finding
	errorsDone    bool
}

// SiteKind says how an identifier binds its name.
type SiteKind int

const (
	SiteAssign      SiteKind = iota // x = ...
	SiteAssignTuple                 // x, y = ...
	SiteParam                       // def f(x) / lambda x:
	SiteDef                         // def x(): ...
	SiteLoop                        // for x in ... (statement or comprehension)
	SiteLoad                        // load("m", x="y")
)

// Binding gathers the sites and uses of one variable.
type Binding struct {
	First  *syntax.Ident
	Kind   SiteKind // of the first site
	Uses   int
	Values []syntax.Expr // right-hand sides of `name = value`
	Loops  []syntax.Expr // iterables of `for name in iterable`
	Def    *syntax.DefStmt
	// Param is the def that has this binding as a parameter.
	Param *syntax.DefStmt
	InDef bool // bound inside a function or comprehension, not at module level
	// Unknown is set when the variable is also bound some way the type
	// inference does not follow.
	Unknown bool
}

// Analyze reads one script. It never panics, whatever src holds.
func Analyze(filename string, src []byte, cfg Config) *Script {
	s := &Script{
		Filename:    filename,
		Src:         src,
		Table:       cfg.Table,
		Bindings:    map[*resolve.Binding]*Binding{},
		sites:       map[*syntax.Ident]SiteKind{},
		types:       map[*resolve.Binding]string{},
		defs:        map[*syntax.DefStmt]*scriptFunc{},
		callsByExpr: map[*syntax.CallExpr]*Call{},
		cells:       map[*syntax.Ident]*resolve.Binding{},
	}
	if s.Table == nil {
		s.Table = lang.Default
	}
	s.File, s.repaired, s.syntaxErrors = parseRepaired(filename, src, dialect{format: s.Table.Func("format") != nil})
	if s.File == nil {
		s.Directives = scanDirectiveLines(src)
		s.Globals = newGlobals(s.Table, machineSetOf(nil, cfg, s.Directives), cfg, nil)
		return s
	}
	s.Directives = collectDirectives(s.File)
	s.Globals = newGlobals(s.Table, machineSetOf(s.File, cfg, s.Directives), cfg, declaredVLANs(s.File))

	if err := resolve.File(s.File, s.Globals.Has, lang.IsStarlarkBuiltin); err != nil {
		var list resolve.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if strings.HasPrefix(e.Msg, "undefined: ") || strings.HasSuffix(e.Msg, " is repeated") {
					continue
				}
				s.resolveErrors = append(s.resolveErrors, e)
			}
		}
	}
	s.collectCells()
	s.collectBindings()
	s.collectCalls()
	return s
}

// Errors returns the findings of every check: what `vmt run` refuses
// before booting and what lint reports as errors. Those silenced by
// `# vmt: disable=RULE` comments are left out; the order is by position.
func (s *Script) Errors() []Finding {
	if !s.errorsDone {
		s.errorsDone = true
		for _, c := range checks {
			if s.File != nil || c == checkSyntaxError || c == checkPythonHabit {
				c.run(c, s)
			}
		}
		s.errors = s.Directives.Filter(s.errors)
		SortFindings(s.errors)
	}
	return s.errors
}

// SortFindings orders findings by position.
func SortFindings(findings []Finding) {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i].Pos, findings[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// report records a finding of a check spanning start to end.
func (s *Script) report(c *Check, start, end syntax.Position, fix *Fix, format string, args ...any) {
	s.errors = append(s.errors, MakeFinding(c.Name, Error, start, end, fix, fmt.Sprintf(format, args...)))
}

// reportNode records a finding of a check spanning a syntax node.
func (s *Script) reportNode(c *Check, n syntax.Node, format string, args ...any) {
	start, end := n.Span()
	s.report(c, start, end, nil, format, args...)
}

// MakeFinding builds a finding from go.starlark.net positions.
func MakeFinding(rule string, severity Severity, start, end syntax.Position, fix *Fix, msg string) Finding {
	if end.Line < start.Line || (end.Line == start.Line && end.Col < start.Col) {
		end = start
	}
	return Finding{Rule: rule, Severity: severity, Pos: PositionOf(start), End: PositionOf(end), Message: msg, Fix: fix}
}

// PositionOf converts a go.starlark.net position.
func PositionOf(pos syntax.Position) Position {
	return Position{Line: max(int(pos.Line), 1), Col: max(int(pos.Col), 1)}
}

// collectBindings records, for every variable, where it is bound, what is
// assigned to it and how often it is used.
func (s *Script) collectBindings() {
	var markTargets func(lhs syntax.Expr, kind SiteKind)
	markTargets = func(lhs syntax.Expr, kind SiteKind) {
		switch lhs := lhs.(type) {
		case *syntax.Ident:
			s.sites[lhs] = kind
		case *syntax.ParenExpr:
			markTargets(lhs.X, kind)
		case *syntax.TupleExpr:
			for _, x := range lhs.List {
				markTargets(x, SiteAssignTuple)
			}
		case *syntax.ListExpr:
			for _, x := range lhs.List {
				markTargets(x, SiteAssignTuple)
			}
		}
	}
	info := func(id *syntax.Ident) *Binding {
		b := s.BindingOf(id)
		if b == nil {
			return nil
		}
		bi := s.Bindings[b]
		if bi == nil {
			bi = &Binding{First: id}
			if b.First != nil {
				bi.First = b.First
			}
			s.Bindings[b] = bi
		}
		return bi
	}
	markParams := func(def *syntax.DefStmt, params []syntax.Expr) {
		for _, param := range params {
			if id := ParamIdent(param); id != nil {
				s.sites[id] = SiteParam
				if bi := info(id); bi != nil && def != nil {
					bi.Param = def
				}
			}
		}
	}
	depth := 0 // functions and comprehensions entered
	var stack []syntax.Node
	syntax.Walk(s.File, func(n syntax.Node) bool {
		if n == nil {
			switch stack[len(stack)-1].(type) {
			case *syntax.DefStmt, *syntax.LambdaExpr, *syntax.Comprehension:
				depth--
			}
			stack = stack[:len(stack)-1]
			return false
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *syntax.AssignStmt:
			if n.Op == syntax.EQ {
				markTargets(n.LHS, SiteAssign)
				if id, ok := n.LHS.(*syntax.Ident); ok {
					if bi := info(id); bi != nil {
						bi.Values = append(bi.Values, n.RHS)
					}
				}
			} else if id, ok := n.LHS.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.Unknown = true // x += ... changes the value's type freely
				}
			}
		case *syntax.ForStmt:
			markTargets(n.Vars, SiteLoop)
			if id, ok := n.Vars.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.Loops = append(bi.Loops, n.X)
				}
			}
		case *syntax.ForClause:
			markTargets(n.Vars, SiteLoop)
			if id, ok := n.Vars.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.Loops = append(bi.Loops, n.X)
				}
			}
		case *syntax.DefStmt:
			s.sites[n.Name] = SiteDef
			if bi := info(n.Name); bi != nil {
				if bi.Def != nil {
					bi.Unknown = true // defined twice: which one a call calls depends on where it is
				}
				bi.Def = n
			}
			markParams(n, n.Params)
			depth++
		case *syntax.LambdaExpr:
			markParams(nil, n.Params)
			depth++
		case *syntax.Comprehension:
			depth++
		case *syntax.LoadStmt:
			for _, id := range n.To {
				s.sites[id] = SiteLoad
			}
		case *syntax.Ident:
			bi := info(n)
			if bi == nil {
				return true
			}
			kind, isSite := s.sites[n]
			if !isSite {
				bi.Uses++
				return true
			}
			if n == bi.First {
				bi.Kind = kind
				// A def's name is bound in the enclosing scope, outside its body.
				bi.InDef = depth > 0 && !(kind == SiteDef && depth == 1)
			}
			if kind != SiteAssign && kind != SiteLoop && kind != SiteDef && kind != SiteParam {
				bi.Unknown = true
			}
		}
		return true
	})
}

// isSite reports whether an identifier binds its name rather than uses it.
func (s *Script) isSite(id *syntax.Ident) bool {
	_, ok := s.sites[id]
	return ok
}

// BindingOf returns the variable an identifier refers to, or nil. The
// resolver gives a nested function's use of a variable of the function
// around it a binding of its own; here it is the outer variable's, so that
// its values, uses and type are one.
func (s *Script) BindingOf(id *syntax.Ident) *resolve.Binding {
	b := resolved(id)
	if b != nil && b.Scope == resolve.Free {
		if cell := s.cells[b.First]; cell != nil {
			return cell
		}
	}
	return b
}

// resolved returns the resolver's binding of an identifier, or nil.
func resolved(id *syntax.Ident) *resolve.Binding {
	b, _ := id.Binding.(*resolve.Binding)
	return b
}

// collectCells records the variables that nested functions use, by their
// first binding site.
func (s *Script) collectCells() {
	syntax.Walk(s.File, func(n syntax.Node) bool {
		if id, ok := n.(*syntax.Ident); ok {
			if b := resolved(id); b != nil && b.Scope == resolve.Cell {
				s.cells[b.First] = b
			}
		}
		return true
	})
}

// Unparen strips parentheses.
func Unparen(e syntax.Expr) syntax.Expr {
	for {
		paren, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = paren.X
	}
}

// ParamIdent returns the name a def parameter binds: x, x=default, *x, **x.
func ParamIdent(p syntax.Expr) *syntax.Ident {
	switch p := p.(type) {
	case *syntax.Ident:
		return p
	case *syntax.BinaryExpr:
		if id, ok := p.X.(*syntax.Ident); ok {
			return id
		}
	case *syntax.UnaryExpr:
		if id, ok := p.X.(*syntax.Ident); ok {
			return id
		}
	}
	return nil
}

// scriptNames returns every name the script binds, for suggestions.
func (s *Script) scriptNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, bi := range s.Bindings {
		if bi.First != nil && !seen[bi.First.Name] {
			seen[bi.First.Name] = true
			names = append(names, bi.First.Name)
		}
	}
	return names
}
