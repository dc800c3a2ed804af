package vmtest

import (
	"strings"
	"testing"
)

func TestTOMLValues(t *testing.T) {
	src := `# a comment
title = "basic \"quoted\" \u00e9\ttab" # trailing comment
literal = 'C:\path'
multi = """
first
second \
   joined"""
multilit = '''
raw \n'''
n = -1_000
hex = 0xff
yes = true
no = false
list = [ 1, 2,
  3, # comment inside
]
empty = []
inline = { a = 1, "b c" = "d", e.f = true }
dotted.key = "x"

[server]
port = 80

[[target]]
name = "one"
[target.vm]
num_cpus = 1
[target.vm.mounts]
"/mnt/a" = { host_path = "a" }

[[target]]
name = "two"
`
	root, err := parseTOML(src)
	if err != nil {
		t.Fatal(err)
	}
	f := root.Fields
	for key, want := range map[string]string{
		"title": "basic \"quoted\" é\ttab", "literal": `C:\path`, "multi": "first\nsecond joined", "multilit": `raw \n`,
	} {
		if got := f[key].Str; got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if f["n"].Int != -1000 || f["hex"].Int != 255 || !f["yes"].Bool || f["no"].Bool {
		t.Errorf("n, hex, yes, no = %d, %d, %v, %v", f["n"].Int, f["hex"].Int, f["yes"].Bool, f["no"].Bool)
	}
	if len(f["list"].Items) != 3 || f["list"].Items[2].Int != 3 || len(f["empty"].Items) != 0 {
		t.Errorf("list = %+v, empty = %+v", f["list"].Items, f["empty"].Items)
	}
	in := f["inline"].Fields
	if in["a"].Int != 1 || in["b c"].Str != "d" || !in["e"].Fields["f"].Bool {
		t.Errorf("inline = %+v", in)
	}
	if f["dotted"].Fields["key"].Str != "x" || f["server"].Fields["port"].Int != 80 {
		t.Errorf("dotted, server wrong")
	}
	targets := f["target"].Items
	if len(targets) != 2 || targets[1].Fields["name"].Str != "two" || targets[1].Line != 31 {
		t.Fatalf("targets = %+v", targets)
	}
	vm := targets[0].Fields["vm"]
	if vm.Fields["num_cpus"].Int != 1 || vm.Fields["mounts"].Fields["/mnt/a"].Fields["host_path"].Str != "a" {
		t.Errorf("target.vm = %+v", vm.Fields)
	}
	if line := f["list"].Line; line != 14 {
		t.Errorf("list is on line %d, want 14", line)
	}
}

func TestTOMLErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"a = 1\na = 2", "line 2: key a is defined twice (first on line 1)"},
		{"a = ", "line 1: expected a value"},
		{"a = 1.5", "line 1: 1.5: floats and dates are not supported here"},
		{"a = 1979-05-27", "floats and dates are not supported"},
		{"a = 012", "leading zeros"},
		{"a = \"open", "line 1: the string is not closed"},
		{"\n\na = \"\\q\"", "line 3: unknown escape \\q"},
		{"[a]\nx = 1\n[a]", "line 3: table [a] is defined twice (first on line 1)"},
		{"a = 1\n[[a]]", "line 2: [[a]]: a is already defined on line 1 as an integer"},
		{"a = [1, 2", "line 1: the array is not closed"},
		{"a = { b = 1", "inline table: expected ',' or '}'"},
		{"a = 1 b = 2", "line 1: unexpected 'b' after the value"},
		{"a = tru", "expected a value"},
		{"= 1", "expected a key"},
		{"a = \"\"\"x", "line 1: the multi-line string is not closed"},
		{"a = { b = 1 }\n[a]", "line 2: [a]: a is already defined on line 1 as a table"},
		{"a = 1_", "underscores"},
		{"\xff = 1", "not valid UTF-8"},
	} {
		_, err := parseTOML(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.src, err, c.want)
		}
	}
}

// FuzzTOML: the reader never panics, and what it accepts has sane lines.
func FuzzTOML(f *testing.F) {
	for _, seed := range []string{
		"[[target]]\nname = \"a\"\nkernel = \"k\"\ncommand = \"true\"\n",
		"[[target]]\nvm = { num_cpus = 2, memory = \"4G\", mounts = { \"/m\" = { host_path = \"h\", writable = true } } }\n",
		"a = \"\"\"\nx\\\n  y\"\"\"\nb = '''z'''\n",
		"a = [1, [2, 3], { b = 'c' }]\n[t.u]\nv = 0x1F\n",
		"[a]\n[[a.b]]\n[a.b.c]\nd = -0\n",
		"k = \"\\U0001F600\\u00e9\"\r\nl = true\r\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		root, err := parseTOML(src)
		if err != nil {
			if pe, ok := err.(*ParseError); !ok || pe.Line < 1 || pe.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("error %v has no line within the input", err)
			}
			return
		}
		var walk func(v *Value)
		walk = func(v *Value) {
			if v.Line < 1 || v.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("value on line %d of a %d-line input", v.Line, strings.Count(src, "\n")+1)
			}
			for _, i := range v.Items {
				walk(i)
			}
			for _, k := range v.Keys {
				walk(v.Fields[k])
			}
		}
		walk(root)
		Parse(src, "/")
	})
}
