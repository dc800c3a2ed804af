package runtime

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.starlark.net/starlark"
)

// The re module: Python's function names over Go's RE2 engine. The
// functions that take a pattern are written once, over a compiled
// regexp: withPattern makes the module function that compiles its
// pattern argument, patternMethod the method of a compiled Pattern.

// reFunc is an re function given its compiled pattern.
type reFunc = func(c *call, re *regexp.Regexp) (starlark.Value, error)

// withPattern is the module function of fn: it compiles the pattern
// argument first.
func withPattern(fn reFunc) globalImpl {
	return func(c *call) (starlark.Value, error) {
		re, err := compileArg(c, "pattern")
		if err != nil {
			return nil, err
		}
		return fn(c, re)
	}
}

// patternMethod is the method of Pattern that runs fn with its regexp.
func patternMethod(fn reFunc) func(p *pattern, c *call) (starlark.Value, error) {
	return func(p *pattern, c *call) (starlark.Value, error) { return fn(c, p.re) }
}

// compileArg compiles the regular-expression parameter name.
func compileArg(c *call, name string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(c.args.str(name))
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %v", c.args.name, name, err)
	}
	return re, nil
}

func reSearch(c *call, re *regexp.Regexp) (starlark.Value, error) {
	return reFind(c, re, re.FindStringSubmatchIndex)
}

func reMatch(c *call, re *regexp.Regexp) (starlark.Value, error) {
	// The leftmost match starts at 0 whenever some match does.
	return reFind(c, re, func(s string) []int {
		if loc := re.FindStringSubmatchIndex(s); loc != nil && loc[0] == 0 {
			return loc
		}
		return nil
	})
}

func reFullMatch(c *call, re *regexp.Regexp) (starlark.Value, error) {
	anchored, err := regexp.Compile(`\A(?:` + re.String() + `)\z`)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.args.name, err)
	}
	// The groups of the anchored pattern are those of re, numbered and
	// named alike; the Match keeps re, the one the script gave.
	return reFind(c, re, anchored.FindStringSubmatchIndex)
}

// reFind returns a Match for the submatch indexes find gives, or None.
func reFind(c *call, re *regexp.Regexp, find func(s string) []int) (starlark.Value, error) {
	text := c.args.str("string")
	loc := find(text)
	if loc == nil {
		return starlark.None, nil
	}
	return &match{d: c.d, re: re, text: text, loc: loc}, nil
}

func reFindAll(c *call, re *regexp.Regexp) (starlark.Value, error) {
	var out []starlark.Value
	for _, groups := range re.FindAllStringSubmatch(c.args.str("string"), -1) {
		switch len(groups) {
		case 1:
			out = append(out, starlark.String(groups[0]))
		case 2:
			out = append(out, starlark.String(groups[1]))
		default:
			tuple := make(starlark.Tuple, len(groups)-1)
			for i, g := range groups[1:] {
				tuple[i] = starlark.String(g)
			}
			out = append(out, tuple)
		}
	}
	return starlark.NewList(out), nil
}

// pythonGroupRef is a group reference in Python's replacement syntax.
var pythonGroupRef = regexp.MustCompile(`\\(\d+)|\\g<(\w+)>`)

func reSub(c *call, re *regexp.Regexp) (starlark.Value, error) {
	count, err := c.args.int("count")
	if err != nil {
		return nil, err
	}
	repl := pythonGroupRef.ReplaceAllString(c.args.str("repl"), `$${$1$2}`)
	text := c.args.str("string")
	var b strings.Builder
	last, n := 0, 0
	for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
		if count > 0 && n == count {
			break
		}
		b.WriteString(text[last:loc[0]])
		b.Write(re.ExpandString(nil, repl, text, loc))
		last = loc[1]
		n++
	}
	b.WriteString(text[last:])
	return starlark.String(b.String()), nil
}

// reSplit splits like Python's re.split: the texts of the groups of each
// separator are part of the result.
func reSplit(c *call, re *regexp.Regexp) (starlark.Value, error) {
	maxSplit, err := c.args.int("maxsplit")
	if err != nil {
		return nil, err
	}
	text := c.args.str("string")
	var out []starlark.Value
	last := 0
	for i, loc := range re.FindAllStringSubmatchIndex(text, -1) {
		if maxSplit > 0 && i == maxSplit {
			break
		}
		out = append(out, starlark.String(text[last:loc[0]]))
		for g := 1; 2*g < len(loc); g++ {
			out = append(out, groupValue(text, loc, g))
		}
		last = loc[1]
	}
	out = append(out, starlark.String(text[last:]))
	return starlark.NewList(out), nil
}

func reEscape(c *call) (starlark.Value, error) {
	return starlark.String(regexp.QuoteMeta(c.args.str("pattern"))), nil
}

// reCompile compiles a Pattern; an invalid pattern is an error now.
func reCompile(c *call) (starlark.Value, error) {
	re, err := compileArg(c, "pattern")
	if err != nil {
		return nil, err
	}
	return &pattern{d: c.d, re: re}, nil
}

// pattern is a compiled regular expression (lang's Pattern type).
type pattern struct {
	d  *driver
	re *regexp.Regexp
}

var _ starlark.HasAttrs = (*pattern)(nil)

func (p *pattern) String() string        { return fmt.Sprintf("re.compile(%q)", p.re.String()) }
func (p *pattern) Type() string          { return "Pattern" }
func (p *pattern) Freeze()               {}
func (p *pattern) Truth() starlark.Bool  { return true }
func (p *pattern) Hash() (uint32, error) { return starlark.String(p.re.String()).Hash() }
func (p *pattern) AttrNames() []string   { return memberNames("Pattern") }
func (p *pattern) Attr(name string) (starlark.Value, error) {
	return member(p.d, "Pattern", p, name, patternMethods, patternAttrs)
}

// groupValue is the text of group g, or None when it did not take part.
func groupValue(text string, loc []int, g int) starlark.Value {
	if loc[2*g] < 0 {
		return starlark.None
	}
	return starlark.String(text[loc[2*g]:loc[2*g+1]])
}

// match is a successful match (lang's Match type).
type match struct {
	d    *driver
	re   *regexp.Regexp
	text string
	loc  []int
}

var _ starlark.HasAttrs = (*match)(nil)

func (m *match) String() string        { return fmt.Sprintf("<Match %q>", m.text[m.loc[0]:m.loc[1]]) }
func (m *match) Type() string          { return "Match" }
func (m *match) Freeze()               {}
func (m *match) Truth() starlark.Bool  { return true }
func (m *match) Hash() (uint32, error) { return 0, errors.New("unhashable: Match") }
func (m *match) AttrNames() []string   { return memberNames("Match") }
func (m *match) Attr(name string) (starlark.Value, error) {
	return member(m.d, "Match", m, name, matchMethods, matchAttrs)
}

// groupIndex resolves a group number or name.
func (m *match) groupIndex(c *call) (int, error) {
	v := c.args.value("index")
	if name, ok := starlark.AsString(v); ok {
		i := m.re.SubexpIndex(name)
		if i < 0 {
			return 0, fmt.Errorf("%s: no group named %q", c.args.name, name)
		}
		return i, nil
	}
	i, err := c.args.int("index")
	if err != nil {
		return 0, err
	}
	if i < 0 || 2*i >= len(m.loc) {
		return 0, fmt.Errorf("%s: no group %d (the pattern has %d)", c.args.name, i, len(m.loc)/2-1)
	}
	return i, nil
}

func matchGroup(m *match, c *call) (starlark.Value, error) {
	i, err := m.groupIndex(c)
	if err != nil {
		return nil, err
	}
	return groupValue(m.text, m.loc, i), nil
}

func matchGroups(m *match, _ *call) (starlark.Value, error) {
	groups := make(starlark.Tuple, len(m.loc)/2-1)
	for g := range groups {
		groups[g] = groupValue(m.text, m.loc, g+1)
	}
	return groups, nil
}

func matchGroupDict(m *match, _ *call) (starlark.Value, error) {
	d := starlark.NewDict(0)
	for i, name := range m.re.SubexpNames() {
		if name != "" {
			d.SetKey(starlark.String(name), groupValue(m.text, m.loc, i))
		}
	}
	return d, nil
}

func matchStart(m *match, c *call) (starlark.Value, error) {
	i, err := m.groupIndex(c)
	if err != nil {
		return nil, err
	}
	return starlark.MakeInt(m.loc[2*i]), nil
}

func matchEnd(m *match, c *call) (starlark.Value, error) {
	i, err := m.groupIndex(c)
	if err != nil {
		return nil, err
	}
	return starlark.MakeInt(m.loc[2*i+1]), nil
}
