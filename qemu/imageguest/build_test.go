//go:build integration

package imageguest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The image is built (or found in the cache) for both variants, with an
// MBR partition table: an active EFI system partition and a Linux one.
func TestBuildPartitionsTheDisk(t *testing.T) {
	for _, v := range []Variant{Agent, Backdoor} {
		began := time.Now()
		path, err := Build(v)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s image %s: %s", v, path, time.Since(began).Round(10*time.Millisecond))
		if _, err := os.Stat(path); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("sfdisk", "-d", path).CombinedOutput()
		if err != nil {
			t.Fatalf("sfdisk -d %s: %v: %s", path, err, out)
		}
		dump := string(out)
		for _, want := range []string{"label: dos", "start=        2048, size=      131072, type=ef, bootable", "start=      133120, size=     1572864, type=83"} {
			if !strings.Contains(dump, want) {
				t.Errorf("partition table of %s lacks %q:\n%s", path, want, dump)
			}
		}
	}
}
