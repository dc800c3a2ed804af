package convert

import (
	"fmt"
	"sort"
	"strings"
)

// Result is a converted script.
type Result struct {
	Output string
	// Translated counts the constructs rewritten, by kind.
	Translated map[string]int
	// Left are the lines left for the user, each with a `# vmt convert:`
	// comment in Output.
	Left []Note
}

// Note is a line the converter could not translate.
type Note struct {
	Line int // in the input
	Msg  string
}

// Python converts a Python test script into a vmt script.
func Python(src string) (Result, error) {
	return convert(src, false)
}

// convert converts Python source; with splices, Nix ${...} splices are
// read as expressions and kept as they are.
func convert(src string, splices bool) (Result, error) {
	tokens, err := tokenize(src, splices)
	if err != nil {
		return Result{}, err
	}
	c := &converter{src: src, splices: splices, lines: splitLines(src, tokens), translated: map[string]int{}, dedents: map[int]int{}}
	c.usesSubprocess = importsSubprocess(c.lines)
	for i := range c.lines {
		c.convertLine(i)
	}
	out := c.apply()
	if err := c.checkStarlark(out, splices); err != nil {
		c.left = append(c.left, *err)
	}
	sort.SliceStable(c.left, func(i, j int) bool { return c.left[i].Line < c.left[j].Line })
	return Result{Output: out, Translated: c.translated, Left: c.left}, nil
}

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// converter holds one conversion: the edits and notes its rules made.
type converter struct {
	src        string
	splices    bool
	lines      []*logicalLine
	edits      []edit
	notes      map[int][]string // by offset of the line end where the comment goes
	left       []Note
	translated map[string]int
	// dedents are the columns of indentation to remove, by the offset of
	// the physical line they start.
	dedents map[int]int
	// usesSubprocess is set when the script imports subprocess: its
	// results' returncode is host.run's status.
	usesSubprocess bool
	// subtests are the line ranges [from, to) of converted subtest bodies.
	subtests [][2]int
}

func (c *converter) replace(start, end int, text string) {
	c.edits = append(c.edits, edit{start, end, text})
}

// edited reports whether an edit already replaces text around offset p.
func (c *converter) edited(p int) bool {
	for _, e := range c.edits {
		if e.start < p && p < e.end {
			return true
		}
	}
	return false
}

// translate records a construct rewritten.
func (c *converter) translate(what string) { c.translated[what]++ }

// leave puts a `# vmt convert: msg` comment at the end of line l and
// counts it.
func (c *converter) leave(l *logicalLine, line int, msg string) {
	if c.notes == nil {
		c.notes = map[int][]string{}
	}
	c.notes[l.end] = append(c.notes[l.end], msg)
	c.left = append(c.left, Note{Line: line, Msg: msg})
}

// convertLine applies every rule to the i-th logical line.
func (c *converter) convertLine(i int) {
	l := c.lines[i]
	// Statements first: convertTokens leaves alone what they rewrote.
	switch l.first() {
	case "assert":
		c.convertAssert(l)
	case "raise":
		c.convertRaise(l)
	case "import", "from":
		c.convertImport(l)
	case "def":
		c.stripDefAnnotations(l)
	case "with":
		c.convertWith(i)
	default:
		c.stripVariableAnnotation(l)
	}
	c.convertTokens(l)
	c.unsupported(l)
}

// apply returns the source with every edit made and every note added.
func (c *converter) apply() string {
	for p, n := range c.dedents {
		c.edits = append(c.edits, edit{p, p + n, ""})
	}
	// Notes come after the edits at the same offset: a statement's
	// closing parenthesis goes before the comment.
	for end, msgs := range c.notes {
		c.edits = append(c.edits, edit{end, end, "  # vmt convert: " + strings.Join(msgs, "; ")})
	}
	sort.SliceStable(c.edits, func(i, j int) bool {
		if c.edits[i].start != c.edits[j].start {
			return c.edits[i].start < c.edits[j].start
		}
		return c.edits[i].end < c.edits[j].end
	})
	var b strings.Builder
	at := 0
	for _, e := range c.edits {
		if e.start < at {
			continue // inside an edit that replaced more: that one wins
		}
		b.WriteString(c.src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(c.src[at:])
	return b.String()
}

// Summary says what was translated and what is left, for stderr.
func (r Result) Summary(name string) string {
	var kinds []string
	total := 0
	for k, n := range r.Translated {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		total += n
	}
	sort.Strings(kinds)
	s := fmt.Sprintf("%s: %d translated", name, total)
	if len(kinds) > 0 {
		s += " (" + strings.Join(kinds, ", ") + ")"
	}
	if len(r.Left) == 0 {
		return s + "; nothing left to do\n"
	}
	s += fmt.Sprintf("; %d left for you (marked # vmt convert:):\n", len(r.Left))
	for _, n := range r.Left {
		s += fmt.Sprintf("  line %d: %s\n", n.Line, n.Msg)
	}
	return s
}
