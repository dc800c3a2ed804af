package testcases

import (
	"reflect"
	"strings"
	"testing"
)

const sample = `first()
---
second()  ### "boom"
  ---  
x = 1  ### unused-variable ### no-effect: ` + "`msg`" + `
---
---
last()
`

func TestSplit(t *testing.T) {
	type lines struct {
		line  int
		lines string
	}
	var got []lines
	for _, c := range Split("f.star", sample) {
		got = append(got, lines{c.Line, strings.Join(c.Lines, "|")})
	}
	want := []lines{
		{1, "first()"},
		{3, `second()  ### "boom"`},
		{5, "x = 1  ### unused-variable ### no-effect: `msg`"},
		{7, ""}, // kept, for the harness to fail on
		{8, "last()"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got cases %v,\nwant %v", got, want)
	}
}

func TestExpectations(t *testing.T) {
	cases := Split("f.star", sample)
	if exps := cases[0].Expectations(); len(exps) != 0 {
		t.Errorf("a case without ### expects %v", exps)
	}
	if got, want := cases[1].Expectations(), []Expectation{{Line: 1, Col: 10, Text: `"boom"`}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	got := cases[2].Expectations()
	want := []Expectation{{Line: 1, Col: 7, Text: "unused-variable"}, {Line: 1, Col: 27, Text: "no-effect: `msg`"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("two expectations on a line: got %v, want %v", got, want)
	}
}

func TestTextAndInFile(t *testing.T) {
	cases := Split("f.star", sample)
	if got := cases[1].Text(); got != "second()  ### \"boom\"\n" {
		t.Errorf("Text is %q", got)
	}
	if got := cases[3].Text(); got != "" {
		t.Errorf("Text of an empty case is %q", got)
	}
	// Positions of InFile are the file's: last() stays on line 8 of 8.
	if got, want := cases[4].InFile(), "\n\n\n\n\n\n\nlast()\n"; got != want {
		t.Errorf("InFile is %q, want %q", got, want)
	}
	if got, want := cases[2].Where(1), "f.star:5"; got != want {
		t.Errorf("Where(1) is %q, want %q", got, want)
	}
}

func TestNoSeparatorIsOneCase(t *testing.T) {
	cases := Split("whole.star", "a()\nb()\n")
	if len(cases) != 1 || cases[0].Text() != "a()\nb()\n" || cases[0].Line != 1 {
		t.Errorf("got %+v, want the whole file as one case", cases)
	}
}

func TestLoadFailsOnNoFile(t *testing.T) {
	fake := &recorder{TB: t}
	func() {
		defer func() { recover() }()
		Load(fake, "no-such-dir/*.star")
	}()
	if !fake.failed {
		t.Error("Load of a pattern matching no file did not fail the test")
	}
}

// recorder stands for a test, to see that Load fails it.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	panic("fatal")
}
