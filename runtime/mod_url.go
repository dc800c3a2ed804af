package runtime

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
)

// The url module: the functions of Python's urllib.parse that test
// scripts use, with Python's output byte for byte.

func urlEncodeQuery(c *call) (starlark.Value, error) {
	var pairs []starlark.Tuple
	switch params := c.args.value("params").(type) {
	case *starlark.Dict:
		pairs = params.Items()
	case starlark.Indexable: // list or tuple of pairs
		for i := range params.Len() {
			elem := params.Index(i)
			pair, ok := elem.(starlark.Indexable)
			if _, isString := elem.(starlark.String); isString || !ok || pair.Len() != 2 {
				return nil, fmt.Errorf("%s: element %d of params is %s, want a (key, value) pair", c.args.name, i, describeValue(elem))
			}
			pairs = append(pairs, starlark.Tuple{pair.Index(0), pair.Index(1)})
		}
	}
	parts := make([]string, len(pairs))
	for i, kv := range pairs {
		key, err := pythonStr(kv[0])
		if err != nil {
			return nil, err
		}
		value, err := pythonStr(kv[1])
		if err != nil {
			return nil, err
		}
		parts[i] = quotePlus(key) + "=" + quotePlus(value)
	}
	return starlark.String(strings.Join(parts, "&")), nil
}

// pythonStr is str(v) as Python writes it for str, int, float and bool
// (Starlark writes some floats differently, 1e6 as 1e+06), and Starlark's
// str(v) for anything else.
func pythonStr(v starlark.Value) (string, error) {
	return formatValue(v, "")
}

func urlQuote(c *call) (starlark.Value, error) {
	return starlark.String(percentEncode(c.args.str("text"), c.args.str("safe"))), nil
}

// quotePlus is Python's quote_plus(s, safe=""): a space becomes "+".
func quotePlus(s string) string {
	if !strings.Contains(s, " ") {
		return percentEncode(s, "")
	}
	return strings.ReplaceAll(percentEncode(s, " "), " ", "+")
}

// percentEncode is Python's quote(s, safe): every byte of s's UTF-8 form
// but ASCII letters, digits, "_.-~" and the ASCII characters of safe
// becomes %XX.
func percentEncode(s, safe string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x80 && (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			strings.IndexByte("_.-~", ch) >= 0 || strings.IndexByte(safe, ch) >= 0) {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}
