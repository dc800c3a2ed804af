package analysis

import "strings"

// The one reading of the table's type expressions besides lang.BaseTypes:
// "Machine|None", "list[Machine]", "dict[str, Machine]".

// NonNone drops None from a type expression with one other alternative:
// "Machine|None" is a Machine wherever a method is called on it.
func NonNone(expr string) string {
	var kept []string
	for _, alt := range splitTopLevel(expr, '|') {
		if alt != "None" {
			kept = append(kept, alt)
		}
	}
	if len(kept) != 1 {
		return expr
	}
	return kept[0]
}

// ElementType returns the type of an element of a list or tuple or of a
// value of a dict: "list[Machine]" and "dict[str, Machine]" give
// "Machine"; "" when the expression says nothing of its elements.
func ElementType(expr string) string {
	expr = NonNone(expr)
	open := strings.IndexByte(expr, '[')
	if open < 0 || !strings.HasSuffix(expr, "]") {
		return ""
	}
	args := splitTopLevel(expr[open+1:len(expr)-1], ',')
	switch expr[:open] {
	case "list", "tuple":
		if len(args) == 1 {
			return args[0]
		}
	case "dict":
		if len(args) == 2 {
			return args[1]
		}
	}
	return ""
}

// splitTopLevel splits a type expression at sep outside brackets.
func splitTopLevel(expr string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(expr); i++ {
		switch expr[i] {
		case '[':
			depth++
		case ']':
			depth--
		case sep:
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(expr[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(expr[start:]))
}
