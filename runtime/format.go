package runtime

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.starlark.net/starlark"
)

// format is Python's built-in format(value, spec): go.starlark.net's %
// operator and str.format take no width, precision or flags, and NixOS
// scripts write f"{x:.1f}" and "{:>8}".format(x) often. The spec is
// Python's format-spec mini-language,
//
//	[[fill]align][sign][z][#][0][width][grouping][.precision][type]
//
// and the output is Python's, byte for byte, for int, float and str values.

func formatBuiltin(c *call) (starlark.Value, error) {
	s, err := formatValue(c.args.value("value"), c.args.str("spec"))
	if err != nil {
		return nil, err
	}
	return starlark.String(s), nil
}

// maxFormatWidth bounds width and precision, so that a typo such as
// ".1000000000f" is an error rather than gigabytes of zeros.
const maxFormatWidth = 10000

// formatSpec is a parsed format spec.
type formatSpec struct {
	src       string
	fill      rune
	fillSet   bool
	align     byte // '<', '>', '^', '=' or 0 when not given
	sign      byte // '+', '-', ' ' or 0
	noNegZero bool // z: -0.0 after rounding is written 0.0
	alt       bool // #
	zero      bool // the 0 before the width
	width     int
	grouping  byte // ',', '_' or 0
	precision int  // -1 when not given
	typ       byte // 0 when not given
}

// formatError is a spec that does not fit the value, worded as
// "format: PROBLEM for a TYPE value (spec "SPEC")".
func formatError(spec *formatSpec, typ, problem string, args ...any) error {
	return fmt.Errorf("format: %s for %s value (spec %q)", fmt.Sprintf(problem, args...), article(typ), spec.src)
}

// article is "a TYPE" or "an TYPE".
func article(typ string) string {
	if typ != "" && strings.ContainsRune("aeiou", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}

// formatValue formats v as Python's format(v, spec) does.
func formatValue(v starlark.Value, spec string) (string, error) {
	typ := v.Type()
	if typ == "string" {
		typ = "str"
	}
	fs, err := parseFormatSpec(spec, typ)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case starlark.String:
		return formatStr(string(v), fs)
	case starlark.Int:
		return formatInt(v.BigInt(), fs, "int")
	case starlark.Bool:
		if spec == "" {
			return v.String(), nil
		}
		n := big.NewInt(0)
		if v {
			n.SetInt64(1)
		}
		return formatInt(n, fs, "bool")
	case starlark.Float:
		return formatFloat(float64(v), fs, "float")
	}
	if spec == "" {
		return v.String(), nil
	}
	return "", fmt.Errorf("format: %s value takes no format spec (spec %q): format str(value) instead", article(typ), spec)
}

func isAlign(r rune) bool { return r == '<' || r == '>' || r == '^' || r == '=' }

// parseFormatSpec parses spec in the order Python reads it; typ names the
// value in messages.
func parseFormatSpec(spec, typ string) (*formatSpec, error) {
	fs := &formatSpec{src: spec, precision: -1}
	s := spec
	if first, n := utf8.DecodeRuneInString(s); n > 0 && n < len(s) {
		if second, m := utf8.DecodeRuneInString(s[n:]); isAlign(second) {
			fs.fill, fs.fillSet, fs.align = first, true, byte(second)
			s = s[n+m:]
		} else if isAlign(first) {
			fs.align = byte(first)
			s = s[n:]
		}
	} else if n == 1 && isAlign(first) {
		fs.align = byte(first)
		s = s[n:]
	}
	if s != "" && (s[0] == '+' || s[0] == '-' || s[0] == ' ') {
		fs.sign, s = s[0], s[1:]
	}
	if s != "" && s[0] == 'z' {
		fs.noNegZero, s = true, s[1:]
	}
	if s != "" && s[0] == '#' {
		fs.alt, s = true, s[1:]
	}
	if s != "" && s[0] == '0' && !fs.fillSet {
		fs.zero, s = true, s[1:]
	}
	var err error
	if fs.width, s, err = specNumber(fs, s, "width"); err != nil {
		return nil, err
	}
	for s != "" && (s[0] == ',' || s[0] == '_') {
		switch fs.grouping {
		case s[0]:
			return nil, fmt.Errorf("format: spec %q gives the grouping '%c' twice", spec, s[0])
		case ',', '_':
			return nil, fmt.Errorf("format: spec %q has both ',' and '_' grouping: keep one", spec)
		}
		fs.grouping, s = s[0], s[1:]
	}
	if s != "" && s[0] == '.' {
		if s == "." || s[1] < '0' || s[1] > '9' {
			return nil, fmt.Errorf("format: spec %q has a '.' with no precision after it", spec)
		}
		if fs.precision, s, err = specNumber(fs, s[1:], "precision"); err != nil {
			return nil, err
		}
	}
	switch len(s) {
	case 0:
	case 1:
		fs.typ = s[0]
	default:
		return nil, fmt.Errorf("format: invalid spec %q for %s value: want [[fill]align][sign][z][#][0][width][grouping][.precision][type]", spec, article(typ))
	}
	return fs, nil
}

// specNumber reads the decimal number s starts with (0 when none) and
// returns the rest.
func specNumber(fs *formatSpec, s, what string) (int, string, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, s, nil
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n > maxFormatWidth {
		return 0, "", fmt.Errorf("format: %s %s in spec %q is too large (at most %d)", what, s[:i], fs.src, maxFormatWidth)
	}
	return n, s[i:], nil
}

// formatStr formats a string: type s or none, precision truncates.
func formatStr(s string, fs *formatSpec) (string, error) {
	const typ = "str"
	switch {
	case fs.typ != 0 && fs.typ != 's':
		return "", formatError(fs, typ, "unknown format code %s", codeName(fs.typ))
	case fs.sign != 0:
		return "", formatError(fs, typ, "a sign %s is not allowed", codeName(fs.sign))
	case fs.noNegZero:
		return "", formatError(fs, typ, "'z' is not allowed")
	case fs.alt:
		return "", formatError(fs, typ, "'#' (alternate form) is not allowed")
	case fs.align == '=':
		return "", formatError(fs, typ, "'=' alignment is not allowed")
	case fs.grouping != 0:
		return "", formatError(fs, typ, "'%c' grouping is not allowed", fs.grouping)
	}
	if fs.precision >= 0 && utf8.RuneCountInString(s) > fs.precision {
		s = string([]rune(s)[:fs.precision])
	}
	fill := fs.fill
	switch {
	case fs.fillSet:
	case fs.zero:
		fill = '0'
	default:
		fill = ' '
	}
	align := fs.align
	if align == 0 {
		align = '<'
	}
	return pad(s, "", fill, align, fs.width), nil
}

// codeName quotes a format type for messages.
func codeName(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("%q", string(rune(c)))
}

// formatInt formats an int (or a bool as one): types b c d o x X n and
// none; the float types convert it to a float first, as Python does.
func formatInt(n *big.Int, fs *formatSpec, typ string) (string, error) {
	switch fs.typ {
	case 'e', 'E', 'f', 'F', 'g', 'G', '%':
		f, _ := new(big.Float).SetInt(n).Float64()
		if math.IsInf(f, 0) {
			return "", formatError(fs, typ, "%s is too large to convert to a float for type %s", n, codeName(fs.typ))
		}
		return formatFloat(f, fs, typ)
	case 0, 'b', 'c', 'd', 'o', 'x', 'X', 'n':
	default:
		return "", formatError(fs, typ, "unknown format code %s", codeName(fs.typ))
	}
	switch {
	case fs.precision >= 0:
		return "", formatError(fs, typ, "a precision is not allowed (use a float type, e.g. '.2f')")
	case fs.noNegZero:
		return "", formatError(fs, typ, "'z' is not allowed")
	case fs.typ == 'c' && fs.sign != 0:
		return "", formatError(fs, typ, "a sign is not allowed with type 'c'")
	case fs.typ == 'c' && fs.alt:
		return "", formatError(fs, typ, "'#' (alternate form) is not allowed with type 'c'")
	}
	groupSize := 3
	switch fs.typ {
	case 'b', 'o', 'x', 'X':
		if fs.grouping == ',' {
			return "", formatError(fs, typ, "',' grouping is not allowed with type %s (use '_')", codeName(fs.typ))
		}
		groupSize = 4
	case 'c', 'n':
		if fs.grouping != 0 {
			return "", formatError(fs, typ, "'%c' grouping is not allowed with type %s", fs.grouping, codeName(fs.typ))
		}
	}
	if fs.typ == 'c' {
		if !n.IsInt64() || n.Int64() < 0 || n.Int64() > utf8.MaxRune {
			return "", formatError(fs, typ, "%s is not a code point (type 'c' takes 0 to 0x10ffff)", n)
		}
		return layoutNumber(fs, "", "", string(rune(n.Int64())), "", 0), nil
	}
	base, prefix := 10, ""
	switch fs.typ {
	case 'b':
		base, prefix = 2, "0b"
	case 'o':
		base, prefix = 8, "0o"
	case 'x':
		base, prefix = 16, "0x"
	case 'X':
		base, prefix = 16, "0X"
	}
	if !fs.alt {
		prefix = ""
	}
	digits := new(big.Int).Abs(n).Text(base)
	if fs.typ == 'X' {
		digits = strings.ToUpper(digits)
	}
	return layoutNumber(fs, signOf(fs, n.Sign() < 0), prefix, digits, "", groupSize), nil
}

// signOf is the sign written in front of a number.
func signOf(fs *formatSpec, negative bool) string {
	switch {
	case negative:
		return "-"
	case fs.sign == '+':
		return "+"
	case fs.sign == ' ':
		return " "
	}
	return ""
}

// formatFloat formats a float: types e E f F g G n % and none.
func formatFloat(f float64, fs *formatSpec, typ string) (string, error) {
	code := fs.typ
	switch code {
	case 0, 'e', 'E', 'f', 'F', 'g', 'G', '%':
	case 'n':
		if fs.grouping != 0 {
			return "", formatError(fs, typ, "'%c' grouping is not allowed with type 'n'", fs.grouping)
		}
		code = 'g'
	default:
		return "", formatError(fs, typ, "unknown format code %s", codeName(fs.typ))
	}
	suffix := ""
	if code == '%' {
		f *= 100
		code, suffix = 'f', "%"
	}
	negative := math.Signbit(f) && !math.IsNaN(f)
	body := floatBody(math.Abs(f), code, fs.precision, fs.alt)
	if negative && fs.noNegZero && isZero(body) {
		negative = false
	}
	switch code {
	case 'E', 'F', 'G':
		body = strings.ToUpper(body)
	}
	i := 0
	for i < len(body) && body[i] >= '0' && body[i] <= '9' {
		i++
	}
	return layoutNumber(fs, signOf(fs, negative), "", body[:i], body[i:]+suffix, 3), nil
}

// floatBody formats a ≥ 0 (or NaN) the way CPython's
// PyOS_double_to_string does for code; code 0 is the spec without a type:
// repr without a precision, else like 'g' keeping a digit after the point.
func floatBody(a float64, code byte, precision int, alt bool) string {
	switch {
	case math.IsInf(a, 0):
		return "inf"
	case math.IsNaN(a):
		return "nan"
	}
	switch code {
	case 'f', 'F':
		if precision < 0 {
			precision = 6
		}
		s := strconv.FormatFloat(a, 'f', precision, 64)
		if alt && precision == 0 {
			s += "."
		}
		return s
	case 'e', 'E':
		if precision < 0 {
			precision = 6
		}
		s := strconv.FormatFloat(a, 'e', precision, 64)
		if alt && precision == 0 {
			s = strings.Replace(s, "e", ".e", 1)
		}
		return s
	case 0:
		if precision < 0 {
			return reprFloat(a, alt)
		}
	}
	// 'g', 'G', and no type with a precision.
	p := precision
	if p < 0 {
		p = 6
	}
	if p == 0 {
		p = 1
	}
	sci := strconv.FormatFloat(a, 'e', p-1, 64)
	exp := exponent(sci)
	// Without a type the fixed form keeps a digit after the point, so it
	// switches to the exponent one digit earlier.
	limit := p
	if code == 0 {
		limit = p - 1
	}
	s := sci
	fixed := exp >= -4 && exp < limit
	if fixed {
		s = strconv.FormatFloat(a, 'f', p-1-exp, 64)
	}
	if alt {
		if !strings.Contains(s, ".") {
			if fixed {
				s += "."
			} else {
				s = strings.Replace(s, "e", ".e", 1)
			}
		}
		return s
	}
	s = trimZeros(s)
	if code == 0 && fixed && !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// reprFloat is Python's repr of a ≥ 0: the shortest digits that read
// back as a, with an exponent below 1e-4 and from 1e16.
func reprFloat(a float64, alt bool) string {
	sci := strconv.FormatFloat(a, 'e', -1, 64)
	exp := exponent(sci)
	if exp < -4 || exp >= 16 {
		if alt && !strings.Contains(sci, ".") {
			sci = strings.Replace(sci, "e", ".e", 1)
		}
		return sci
	}
	s := strconv.FormatFloat(a, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// exponent is the exponent of strconv's 'e' form.
func exponent(sci string) int {
	i := strings.IndexByte(sci, 'e')
	n, _ := strconv.Atoi(sci[i+1:])
	return n
}

// trimZeros drops the trailing zeros of the fraction, and the point when
// nothing follows it, keeping any exponent.
func trimZeros(s string) string {
	mantissa, exp := s, ""
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mantissa, exp = s[:i], s[i:]
	}
	if strings.Contains(mantissa, ".") {
		mantissa = strings.TrimRight(mantissa, "0")
		mantissa = strings.TrimSuffix(mantissa, ".")
	}
	return mantissa + exp
}

// isZero reports whether a formatted float body is zero.
func isZero(body string) bool {
	if i := strings.IndexByte(body, 'e'); i >= 0 {
		body = body[:i]
	}
	return strings.Trim(body, "0.") == ""
}

// layoutNumber lays out sign, prefix, digits (grouped) and rest, padded
// to the width the way CPython's fill_number does: zero padding with '='
// alignment extends the digits, separators included.
func layoutNumber(fs *formatSpec, sign, prefix, digits, rest string, groupSize int) string {
	fill, align := fs.fill, fs.align
	switch {
	case fs.fillSet:
	case fs.zero:
		fill = '0'
	default:
		fill = ' '
	}
	if align == 0 {
		align = '>'
		if fs.zero {
			align = '='
		}
	}
	minDigits := 0
	if fill == '0' && align == '=' {
		minDigits = fs.width - utf8.RuneCountInString(sign+prefix+rest)
	}
	sep := ""
	if fs.grouping != 0 {
		sep = string(fs.grouping)
	}
	grouped := groupDigits(digits, groupSize, sep, minDigits)
	return pad(grouped+rest, sign+prefix, fill, align, fs.width)
}

// pad pads body, whose number sign and prefix are lead, to width with
// fill: '=' pads between lead and body.
func pad(body, lead string, fill rune, align byte, width int) string {
	n := width - utf8.RuneCountInString(lead+body)
	if n <= 0 {
		return lead + body
	}
	switch align {
	case '<':
		return lead + body + strings.Repeat(string(fill), n)
	case '^':
		return strings.Repeat(string(fill), n/2) + lead + body + strings.Repeat(string(fill), n-n/2)
	case '=':
		return lead + strings.Repeat(string(fill), n) + body
	}
	return strings.Repeat(string(fill), n) + lead + body
}

// groupDigits inserts sep every size digits from the right and extends
// the digits with zeros to minWidth characters, as CPython's
// _PyUnicode_InsertThousandsGrouping does: a group never starts with a
// separator, so the result may be one character longer.
func groupDigits(digits string, size int, sep string, minWidth int) string {
	if digits == "" {
		return "" // inf and nan: padding does it
	}
	var chunks []string // right to left
	remaining := len(digits)
	useSep := false
	take := func(l int) {
		zeros := max(0, l-remaining)
		chars := max(0, min(remaining, l))
		chunk := strings.Repeat("0", zeros) + digits[remaining-chars:remaining]
		if useSep {
			chunk += sep
		}
		chunks = append(chunks, chunk)
		remaining -= chars
	}
	done := false
	if sep != "" {
		for {
			l := min(size, max(remaining, minWidth, 1))
			take(l)
			useSep = true
			minWidth -= l
			if remaining <= 0 && minWidth <= 0 {
				done = true
				break
			}
			minWidth -= len(sep)
		}
	}
	if !done {
		take(max(remaining, minWidth, 1))
	}
	var b strings.Builder
	for i := len(chunks) - 1; i >= 0; i-- {
		b.WriteString(chunks[i])
	}
	return b.String()
}
