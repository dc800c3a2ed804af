package imageguest

import (
	"strings"
	"testing"
)

// A missing tool is named with the package to install.
func TestMissingToolSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Build(Agent)
	if err == nil || !strings.Contains(err.Error(), "install mmdebstrap") {
		t.Fatalf("Build without mmdebstrap on PATH: %v, want an error saying to install mmdebstrap", err)
	}
}
