package analysis

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vmt-dev/vmt/lang"
	"go.starlark.net/syntax"
)

// go.starlark.net's parser stops at the first error and returns no tree.
// So that one mistake does not hide the findings of the rest of the
// script, a broken line is replaced and the script parsed again: by the
// repair of a Python habit when the line has one (`with subtest("x"):`
// reads as `if subtest("x"):`, keeping its block), by the line with the
// colon it lacks, by `if True:` when it opens a block, and by `pass`
// otherwise. When a line breaks at its very start after its repair, the
// line before continues into it (an unclosed bracket): that one is set
// aside instead. Lines and columns of every other line stay as they are.

// maxRepairs bounds how many broken lines are replaced before giving up.
const maxRepairs = 8

// syntaxError is one parser error, or one Python habit, on its line.
type syntaxError struct {
	pos  syntax.Position
	rule string // syntax-error or python-habit
	msg  string
	fix  *Fix
}

// parseRepaired parses src, repairing broken lines. It returns the tree
// (nil when repairs did not make the script parse), the repaired lines
// and the errors, one per broken line.
func parseRepaired(filename string, src []byte, d dialect) (*syntax.File, map[int]bool, []syntaxError) {
	file, err := lang.FileOptions().Parse(filename, src, syntax.RetainComments)
	if err == nil {
		return file, nil, nil
	}
	original := strings.Split(string(src), "\n")
	lines := append([]string(nil), original...)
	repaired := map[int]bool{}
	var errs []syntaxError
	for attempt := 0; ; attempt++ {
		var serr syntax.Error
		if !errors.As(err, &serr) {
			pos := syntax.MakePosition(&filename, 1, 1)
			return nil, repaired, append(errs, syntaxError{pos: pos, rule: "syntax-error", msg: err.Error()})
		}
		plain := plainSyntaxError(filename, original, serr)
		// The line at fault: an unexpected newline or end of script is
		// the fault of the code before it.
		line := int(plain.pos.Line)
		if line < 1 || line > len(lines) {
			line = len(lines)
		}
		if attempt == maxRepairs {
			if len(errs) == 0 {
				errs = append(errs, plain)
			}
			return nil, repaired, errs
		}
		wantsColon := strings.HasSuffix(serr.Msg, "want ':'")
		switch {
		case repaired[line] && int(plain.pos.Col) <= indentWidth(lines[line-1])+1:
			// A repaired line still breaks at its start: the line before
			// continues into it (an unclosed bracket). This line gets its
			// text back, and the one before is set aside.
			lines[line-1] = original[line-1]
			delete(repaired, line)
			errs = slices.DeleteFunc(errs, func(e syntaxError) bool { return int(e.pos.Line) == line })
			line = previousCode(lines, line)
			if line < 1 || repaired[line] {
				return nil, repaired, errs
			}
			errs = append(errs, lineError(d, filename, original, line))
			lines[line-1] = repairLine(d, original[line-1], false)
			repaired[line] = true
		case repaired[line]:
			// A second mistake on a repaired line: reported once.
			if again := repairLine(d, lines[line-1], wantsColon); again != lines[line-1] {
				lines[line-1] = again
			} else {
				lines[line-1] = lines[line-1][:indentWidth(lines[line-1])] + "pass"
			}
		default:
			if len(errs) == 0 || !causedByRepair(serr, lines, repaired) {
				if habit := findHabit(d, filename, original, line); habit != nil {
					errs = append(errs, *habit)
				} else {
					errs = append(errs, plain)
				}
			}
			lines[line-1] = repairLine(d, original[line-1], wantsColon)
			repaired[line] = true
		}
		file, err = lang.FileOptions().Parse(filename, []byte(strings.Join(lines, "\n")), syntax.RetainComments)
		if err == nil {
			return file, repaired, errs
		}
	}
}

// lineError is the error of one line read on its own: the line before a
// line the parser stopped at, which it continued into.
func lineError(d dialect, filename string, original []string, line int) syntaxError {
	if habit := findHabit(d, filename, original, line); habit != nil {
		return *habit
	}
	text := original[line-1]
	indent := indentWidth(text)
	_, err := lang.FileOptions().Parse(filename, []byte(text[indent:]), 0)
	var serr syntax.Error
	if !errors.As(err, &serr) {
		pos := syntax.MakePosition(&filename, int32(line), int32(indent+1))
		return syntaxError{pos: pos, rule: "syntax-error", msg: "the next line cannot continue this one"}
	}
	own := plainSyntaxError(filename, []string{text[indent:]}, serr)
	col := int32(utf8.RuneCountInString(text[:indent])) + own.pos.Col
	if own.pos.Line > 1 { // the end of the line
		col = int32(utf8.RuneCountInString(strings.TrimRight(text, " \t\r"))) + 1
	}
	own.pos = syntax.MakePosition(&filename, int32(line), col)
	return own
}

// indentWidth is the number of bytes of a line's indentation.
func indentWidth(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t"))
}

// causedByRepair reports whether an error is an indentation complaint
// right after a repaired line, which the repair rather than the script
// caused.
func causedByRepair(serr syntax.Error, lines []string, repaired map[int]bool) bool {
	if !strings.Contains(serr.Msg, "indent") {
		return false
	}
	return repaired[previousCode(lines, int(serr.Pos.Line))]
}

// previousCode returns the 1-based number of the nearest line before line
// holding more than blanks and a comment, or 0.
func previousCode(lines []string, line int) int {
	for i := line - 1; i >= 1; i-- {
		if code := strings.TrimSpace(lines[i-1]); code != "" && !strings.HasPrefix(code, "#") {
			return i
		}
	}
	return 0
}

// repairLine is what replaces a broken line: the habit's repair, the line
// with the colon it lacks, or a statement at the line's indentation that
// binds nothing and keeps the block the line opens.
func repairLine(d dialect, line string, wantsColon bool) string {
	if fixed, ok := habitRepair(d, line); ok {
		return fixed
	}
	code, comment := splitComment(line)
	if wantsColon && !strings.HasSuffix(code, ":") {
		return code + ":" + comment
	}
	indent := line[:indentWidth(line)]
	if strings.HasSuffix(strings.TrimSpace(code), ":") {
		return indent + "if True:"
	}
	return indent + "pass"
}

// plainSyntaxError places a parser error where the mistake is: an
// unexpected newline or end of script is reported just after the code
// before it.
func plainSyntaxError(filename string, lines []string, serr syntax.Error) syntaxError {
	pos := serr.Pos
	blank := func(line int32) bool {
		return int(line) > len(lines) || strings.TrimSpace(lines[line-1]) == ""
	}
	if pos.Col == 1 && pos.Line > 1 && (strings.Contains(serr.Msg, "got newline") || blank(pos.Line)) {
		line := pos.Line - 1
		for line > 1 && blank(line) {
			line--
		}
		// Just after the code for a missing token, on its last character
		// for the end of the script.
		code := strings.TrimRight(lines[line-1], " \t\r")
		col := int32(utf8.RuneCountInString(code))
		if strings.Contains(serr.Msg, "got newline") || col == 0 {
			col++
		}
		pos = syntax.MakePosition(&filename, line, col)
	}
	return syntaxError{pos: pos, rule: "syntax-error", msg: serr.Msg}
}
