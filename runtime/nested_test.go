package runtime

import (
	"encoding/xml"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// durations makes a terminal log comparable: durations become D, and
// the lines before the script's steps go.
var durations = regexp.MustCompile(`\d+\.\d+ s`)

func nestedLog(t *testing.T, src string) (error, string) {
	t.Helper()
	err, plain, _ := fakeRun(t, src, nil)
	plain = durations.ReplaceAllString(plain, "D")
	if _, after, ok := strings.Cut(plain, "opens a shell in a machine)\n"); ok {
		plain = after
	}
	return err, plain
}

func TestNestedBlocksInTheTerminalLog(t *testing.T) {
	err, got := nestedLog(t, `nested("outer")
log("in outer")
r = alpha.nested("inner", lambda: log("in inner") or 7)
assert_eq(r, 7)
end_nested()
log("after")
subtest("s")
nested("block of s")
log("x")
subtest("t")
log("y")
end_nested()
log("still in t")
nested("left open")
log("z")
`)
	if err != nil {
		t.Fatal(err)
	}
	want := `outer
  in outer
  alpha: inner
    in inner
  (D: alpha: inner)
(D: outer)
after
subtest: s
  block of s
    x
  (D: block of s)
(D: subtest: s)
subtest: t
  y
  still in t
  left open
    z
  (D: left open)
(D: subtest: t)
test passed in D
`
	if got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

// What runs inside a function cannot end the blocks and sections around
// it; a block ends the sections opened inside it, and the next section
// the blocks opened in the one before.
func TestNestedBlocksAndSectionsShieldEachOther(t *testing.T) {
	err, got := nestedLog(t, `nested("A")
def f():
    end_nested()
    log("in f")
subtest("s", f)
log("still in A")
end_nested()
subtest("S")
def g():
    subtest("T")
    log("in T")
nested("blk", g)
log("in S after blk")
nested("B")
subtest("U")
end_nested()
log("in U")
`)
	if err != nil {
		t.Fatal(err)
	}
	want := `A
  subtest: s
    in f
  (D: subtest: s)
  still in A
(D: A)
subtest: S
  blk
    subtest: T
      in T
    (D: subtest: T)
  (D: blk)
  in S after blk
  B (D)
(D: subtest: S)
subtest: U
  in U
(D: subtest: U)
test passed in D
`
	if got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

func TestNestedBlockEndsWhenItsFunctionFails(t *testing.T) {
	var xmlLog strings.Builder
	err, plain, _ := fakeRun(t, `def f():
    log("before")
    fail("broken")
alpha.nested("setup", f)
`, func(o *Options) { o.XMLLog = &xmlLog })
	var failure *Failure
	if !errors.As(err, &failure) || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("got %v, want the failure of fn", err)
	}
	if !strings.Contains(plain, "(failed after ") || !strings.Contains(plain, "alpha: setup)") {
		t.Errorf("the block does not end failed:\n%s", plain)
	}
	var log struct {
		Nests []struct {
			Head struct {
				Machine string `xml:"machine,attr"`
				Text    string `xml:",chardata"`
			} `xml:"head"`
			Lines []struct {
				Type   string `xml:"type,attr"`
				Result string `xml:"result,attr"`
				Text   string `xml:",chardata"`
			} `xml:"line"`
		} `xml:"nest"`
	}
	if err := xml.Unmarshal([]byte(xmlLog.String()), &log); err != nil {
		t.Fatalf("the XML log does not parse: %v\n%s", err, xmlLog.String())
	}
	if len(log.Nests) != 1 || log.Nests[0].Head.Machine != "alpha" || log.Nests[0].Head.Text != "setup" {
		t.Fatalf("want one nest for the block, got %+v", log.Nests)
	}
	lines := log.Nests[0].Lines
	if len(lines) != 2 || lines[0].Text != "before" || lines[1].Type != "finished" || lines[1].Result != "failed" {
		t.Errorf("the block's lines: %+v", lines)
	}
}
