//go:build integration

package udiff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The output applies with patch(1), the real check that hunk headers are
// right.
func TestDiffAppliesWithPatch(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Fatalf("this test needs patch(1): install it (Debian package patch): %v", err)
	}
	dir := t.TempDir()
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nm\nn\n"
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(patch, file)
	cmd.Stdin = strings.NewReader(Diff("f.txt", "f.txt", old, new))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch failed: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(file)
	if string(got) != new {
		t.Errorf("patched file %q, want %q", got, new)
	}
}
