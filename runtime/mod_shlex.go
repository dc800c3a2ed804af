package runtime

import (
	"errors"
	"strings"

	"go.starlark.net/starlark"
)

// The shlex module: POSIX shell quoting as Python's shlex does it.

// shellQuote quotes s as one word of a POSIX shell command line; words
// made only of safe characters are left as they are.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func shlexQuote(c *call) (starlark.Value, error) {
	return starlark.String(shellQuote(c.args.str("s"))), nil
}

func shlexJoin(c *call) (starlark.Value, error) {
	list := c.args.value("split_command").(*starlark.List)
	words := make([]string, list.Len())
	for i := range words {
		s, ok := starlark.AsString(list.Index(i))
		if !ok {
			return nil, errors.New("shlex.join: every word must be a string, got " + list.Index(i).Type())
		}
		words[i] = shellQuote(s)
	}
	return starlark.String(strings.Join(words, " ")), nil
}

func shlexSplit(c *call) (starlark.Value, error) {
	words, err := splitShellWords(c.args.str("s"))
	if err != nil {
		return nil, errors.New("shlex.split: " + err.Error())
	}
	return stringList(words), nil
}

// splitShellWords splits a command line the way Python's shlex.split does
// in POSIX mode: quotes group, backslashes escape (inside double quotes
// only before \ and ").
func splitShellWords(s string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case ch == '\\':
			if i+1 == len(s) {
				return nil, errors.New("no escaped character after the final backslash")
			}
			i++
			word.WriteByte(s[i])
			inWord = true
		case ch == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("no closing quotation")
			}
			word.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"') {
					i++
				}
				word.WriteByte(s[i])
			}
			if i == len(s) {
				return nil, errors.New("no closing quotation")
			}
			inWord = true
		default:
			word.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
