package vmtest

import (
	"regexp"
	"strings"
	"testing"
)

func TestSelectNothing(t *testing.T) {
	_, err := Select([]Target{{Name: "a"}, {Name: "b"}}, regexp.MustCompile("c"))
	if err == nil || !strings.Contains(err.Error(), `the filter matches no target: -f "c", targets: a, b`) {
		t.Errorf("error %v", err)
	}
}
