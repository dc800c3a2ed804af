package lint

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// pass is one linting run over one script: the parsed and resolved file
// and what the rules share about it.
type pass struct {
	filename string
	table    *lang.Table
	file     *syntax.File // nil when the script does not parse
	machines machineSet

	directives directives
	findings   []Finding

	// resolveErrors are the resolver's complaints other than undefined
	// names and repeated keywords, which rules report themselves.
	resolveErrors []resolve.Error

	bindings map[*resolve.Binding]*bindingInfo
	// sites are the identifiers that bind a name rather than use it.
	sites       map[*syntax.Ident]siteKind
	calls       []*callInfo
	callsByExpr map[*syntax.CallExpr]*callInfo
	// types memoizes inferred binding types; "" while being computed.
	types map[*resolve.Binding]string
}

// siteKind says how an identifier binds its name.
type siteKind int

const (
	siteAssign      siteKind = iota // x = ...
	siteAssignTuple                 // x, y = ...
	siteParam                       // def f(x) / lambda x:
	siteDef                         // def x(): ...
	siteLoop                        // for x in ... (statement or comprehension)
	siteLoad                        // load("m", x="y")
)

// bindingInfo gathers the sites and uses of one variable.
type bindingInfo struct {
	first   *syntax.Ident
	kind    siteKind // of the first site
	uses    int
	values  []syntax.Expr // right-hand sides of `name = value`
	loops   []syntax.Expr // iterables of `for name in iterable`
	def     *syntax.DefStmt
	inDef   bool // bound inside a function or comprehension, not at module level
	unknown bool // also bound some way the type inference does not follow
}

func newPass(filename string, src []byte, cfg Config) *pass {
	p := &pass{
		filename: filename,
		table:    cfg.Table,
		bindings: map[*resolve.Binding]*bindingInfo{},
		sites:    map[*syntax.Ident]siteKind{},
		types:    map[*resolve.Binding]string{},

		callsByExpr: map[*syntax.CallExpr]*callInfo{},
	}
	if p.table == nil {
		p.table = lang.Default
	}
	file, err := lang.FileOptions().Parse(filename, src, syntax.RetainComments)
	if err != nil {
		p.directives = scanDirectiveLines(src)
		p.machines = resolveMachines(cfg.Machines, p.directives.machines, nil)
		p.reportSyntaxError(err, src)
		return p
	}
	p.file = file
	p.directives = collectDirectives(file)
	p.machines = resolveMachines(cfg.Machines, p.directives.machines, DeclaredMachines(file))

	if err := resolve.File(file, p.isPredeclared, lang.IsStarlarkBuiltin); err != nil {
		var list resolve.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if strings.HasPrefix(e.Msg, "undefined: ") || strings.HasSuffix(e.Msg, " is repeated") {
					continue
				}
				p.resolveErrors = append(p.resolveErrors, e)
			}
		}
	}
	p.collectBindings()
	p.collectCalls()
	return p
}

func (p *pass) reportSyntaxError(err error, src []byte) {
	var serr syntax.Error
	if errors.As(err, &serr) {
		pos := serr.Pos
		lines := bytes.Split(src, []byte("\n"))
		blank := func(line int32) bool {
			return int(line) > len(lines) || len(bytes.TrimSpace(lines[line-1])) == 0
		}
		// An unexpected newline is positioned at the start of the next
		// line, and the end of the script on the empty line after it; the
		// mistake is at the end of the code before.
		if pos.Col == 1 && pos.Line > 1 && (strings.Contains(serr.Msg, "got newline") || blank(pos.Line)) {
			line := pos.Line - 1
			for line > 1 && blank(line) {
				line--
			}
			// Just after the code for a missing token, on its last
			// character for the end of the script.
			code := bytes.TrimRight(lines[line-1], " \t\r")
			col := int32(utf8.RuneCount(code))
			if strings.Contains(serr.Msg, "got newline") || col == 0 {
				col++
			}
			pos = syntax.MakePosition(&p.filename, line, col)
		}
		p.report(ruleSyntaxError, pos, pos, "%s", serr.Msg)
		return
	}
	first := syntax.MakePosition(&p.filename, 1, 1)
	p.report(ruleSyntaxError, first, first, "%v", err)
}

// isPredeclared reports the globals a script sees besides Starlark's own.
func (p *pass) isPredeclared(name string) bool {
	if p.table.Func(name) != nil || p.table.Value(name) != nil {
		return true
	}
	if _, ok := p.machines.idents[name]; ok {
		return true
	}
	return (name == "machine" && p.machines.aliasDefined()) || isVLanName(name)
}

// isVLanName matches vlan1, vlan2, ...: VLANs come from `vmt run --vlans`,
// which the linter does not see, so every number is accepted.
func isVLanName(name string) bool {
	digits := strings.TrimPrefix(name, "vlan")
	if digits == name || digits == "" || digits[0] == '0' {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// report records a finding of rule spanning start to end.
func (p *pass) report(r *Rule, start, end syntax.Position, format string, args ...any) {
	p.reportFix(r, start, end, nil, format, args...)
}

// reportFix records a finding that comes with a safe fix.
func (p *pass) reportFix(r *Rule, start, end syntax.Position, fix *Fix, format string, args ...any) {
	if end.Line < start.Line || (end.Line == start.Line && end.Col < start.Col) {
		end = start
	}
	p.findings = append(p.findings, Finding{
		Rule:     r.Name,
		Severity: r.Severity,
		Pos:      position(start),
		End:      position(end),
		Message:  fmt.Sprintf(format, args...),
		Fix:      fix,
	})
}

// reportNode records a finding spanning a syntax node.
func (p *pass) reportNode(r *Rule, n syntax.Node, format string, args ...any) {
	start, end := n.Span()
	p.report(r, start, end, format, args...)
}

func position(pos syntax.Position) Position {
	return Position{Line: max(int(pos.Line), 1), Col: max(int(pos.Col), 1)}
}

// collectBindings records, for every variable, where it is bound, what is
// assigned to it and how often it is used.
func (p *pass) collectBindings() {
	var markTargets func(lhs syntax.Expr, kind siteKind)
	markTargets = func(lhs syntax.Expr, kind siteKind) {
		switch lhs := lhs.(type) {
		case *syntax.Ident:
			p.sites[lhs] = kind
		case *syntax.ParenExpr:
			markTargets(lhs.X, kind)
		case *syntax.TupleExpr:
			for _, x := range lhs.List {
				markTargets(x, siteAssignTuple)
			}
		case *syntax.ListExpr:
			for _, x := range lhs.List {
				markTargets(x, siteAssignTuple)
			}
		}
	}
	markParams := func(params []syntax.Expr) {
		for _, param := range params {
			switch param := param.(type) {
			case *syntax.Ident:
				p.sites[param] = siteParam
			case *syntax.BinaryExpr:
				if id, ok := param.X.(*syntax.Ident); ok {
					p.sites[id] = siteParam
				}
			case *syntax.UnaryExpr:
				if id, ok := param.X.(*syntax.Ident); ok {
					p.sites[id] = siteParam
				}
			}
		}
	}
	info := func(id *syntax.Ident) *bindingInfo {
		b, _ := id.Binding.(*resolve.Binding)
		if b == nil {
			return nil
		}
		bi := p.bindings[b]
		if bi == nil {
			bi = &bindingInfo{first: id}
			if b.First != nil {
				bi.first = b.First
			}
			p.bindings[b] = bi
		}
		return bi
	}
	depth := 0 // functions and comprehensions entered
	var stack []syntax.Node
	syntax.Walk(p.file, func(n syntax.Node) bool {
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
				markTargets(n.LHS, siteAssign)
				if id, ok := n.LHS.(*syntax.Ident); ok {
					if bi := info(id); bi != nil {
						bi.values = append(bi.values, n.RHS)
					}
				}
			} else if id, ok := n.LHS.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.unknown = true // x += ... changes the value's type freely
				}
			}
		case *syntax.ForStmt:
			markTargets(n.Vars, siteLoop)
			if id, ok := n.Vars.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.loops = append(bi.loops, n.X)
				}
			}
		case *syntax.ForClause:
			markTargets(n.Vars, siteLoop)
			if id, ok := n.Vars.(*syntax.Ident); ok {
				if bi := info(id); bi != nil {
					bi.loops = append(bi.loops, n.X)
				}
			}
		case *syntax.DefStmt:
			p.sites[n.Name] = siteDef
			if bi := info(n.Name); bi != nil {
				bi.def = n
			}
			markParams(n.Params)
			depth++
		case *syntax.LambdaExpr:
			markParams(n.Params)
			depth++
		case *syntax.Comprehension:
			depth++
		case *syntax.LoadStmt:
			for _, id := range n.To {
				p.sites[id] = siteLoad
			}
		case *syntax.Ident:
			bi := info(n)
			if bi == nil {
				return true
			}
			kind, isSite := p.sites[n]
			if !isSite {
				bi.uses++
				return true
			}
			if n == bi.first {
				bi.kind = kind
				// A def's name is bound in the enclosing scope, outside its body.
				bi.inDef = depth > 0 && !(kind == siteDef && depth == 1)
			}
			if kind != siteAssign && kind != siteLoop && kind != siteDef {
				bi.unknown = true
			}
		}
		return true
	})
}

// bindingOf returns the resolved binding of an identifier, or nil.
func bindingOf(id *syntax.Ident) *resolve.Binding {
	b, _ := id.Binding.(*resolve.Binding)
	return b
}

// unparen strips parentheses.
func unparen(e syntax.Expr) syntax.Expr {
	for {
		paren, ok := e.(*syntax.ParenExpr)
		if !ok {
			return e
		}
		e = paren.X
	}
}

// scriptNames returns every name the script binds, for suggestions.
func (p *pass) scriptNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, bi := range p.bindings {
		if bi.first != nil && !seen[bi.first.Name] {
			seen[bi.first.Name] = true
			names = append(names, bi.first.Name)
		}
	}
	return names
}
