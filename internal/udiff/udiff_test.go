package udiff

import (
	"strings"
	"testing"
)

func TestDiffHunks(t *testing.T) {
	var oldLines, newLines []string
	for i := 1; i <= 20; i++ {
		line := "line " + string(rune('a'+i-1))
		oldLines = append(oldLines, line)
		switch i {
		case 2:
			newLines = append(newLines, "changed b")
		case 18:
			// deleted
		default:
			newLines = append(newLines, line)
		}
	}
	old := strings.Join(oldLines, "\n") + "\n"
	new := strings.Join(newLines, "\n") + "\n"
	got := Diff("a/x.star", "b/x.star", old, new)
	want := `--- a/x.star
+++ b/x.star
@@ -1,5 +1,5 @@
 line a
-line b
+changed b
 line c
 line d
 line e
@@ -15,6 +15,5 @@
 line o
 line p
 line q
-line r
 line s
 line t
`
	if got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
	if Diff("a", "b", old, old) != "" {
		t.Error("equal texts should give an empty diff")
	}
}

func TestDiffNoTrailingNewline(t *testing.T) {
	got := Diff("a", "b", "x", "y")
	want := "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
