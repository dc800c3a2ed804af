package analysis

import (
	"strings"
	"unicode"
)

// boundOnRepairedLine reports whether a name appears on a line replaced
// to parse the script, which may have bound it.
func (s *Script) boundOnRepairedLine(name string) bool {
	if len(s.repaired) == 0 {
		return false
	}
	lines := strings.Split(string(s.Src), "\n")
	for line := range s.repaired {
		if line < 1 || line > len(lines) {
			continue
		}
		for _, word := range strings.FieldsFunc(lines[line-1], func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
		}) {
			if word == name {
				return true
			}
		}
	}
	return false
}
