package runtime

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"go.starlark.net/starlark"
)

// The outputs are CPython 3.11's format(value, spec), checked against it.
var formatCases = []struct {
	value starlark.Value
	spec  string
	want  string
}{
	// The examples.
	{starlark.Float(3.14159), ".2f", "3.14"},
	{starlark.MakeInt(42), "08.3f", "0042.000"},
	{starlark.MakeInt(1234567), ",", "1,234,567"},
	{starlark.String("ab"), "^6", "  ab  "},
	{starlark.MakeInt(255), "#x", "0xff"},
	{starlark.Float(0.125), ".0%", "12%"},
	{starlark.Float(1e20), "g", "1e+20"},
	{starlark.MakeInt(-5), "+05d", "-0005"},
	{starlark.Float(2.5), ".0f", "2"},

	// Empty spec: str(value).
	{starlark.MakeInt(42), "", "42"},
	{starlark.Float(1.0), "", "1.0"},
	{starlark.Float(1e16), "", "1e+16"},
	{starlark.Float(1e15), "", "1000000000000000.0"},
	{starlark.Float(1e6), "", "1000000.0"},
	{starlark.Float(0.0001), "", "0.0001"},
	{starlark.Float(0.00001), "", "1e-05"},
	{starlark.Float(0.1), "", "0.1"},
	{starlark.Float(math.Copysign(0, -1)), "", "-0.0"},
	{starlark.String("text"), "", "text"},
	{starlark.True, "", "True"},
	{starlark.None, "", "None"},
	{starlark.NewList([]starlark.Value{starlark.MakeInt(1), starlark.String("a")}), "", `[1, "a"]`},

	// Strings.
	{starlark.String("ab"), "<5", "ab   "},
	{starlark.String("ab"), ">5", "   ab"},
	{starlark.String("ab"), "^5", " ab  "},
	{starlark.String("ab"), "5", "ab   "},
	{starlark.String("ab"), "*^7", "**ab***"},
	{starlark.String("ab"), "05", "ab000"},
	{starlark.String("abcdef"), ".2", "ab"},
	{starlark.String("abcdef"), ">4.2s", "  ab"},
	{starlark.String("été"), "^7", "  été  "},
	{starlark.String("ab"), "★>4", "★★ab"},
	{starlark.String("abc"), "1", "abc"},

	// Ints.
	{starlark.MakeInt(42), "5", "   42"},
	{starlark.MakeInt(42), "<5", "42   "},
	{starlark.MakeInt(42), "^6", "  42  "},
	{starlark.MakeInt(-42), "=6", "-   42"},
	{starlark.MakeInt(-42), "06", "-00042"},
	{starlark.MakeInt(42), "<05", "42000"},
	{starlark.MakeInt(42), "x<05", "42xxx"},
	{starlark.MakeInt(42), "+d", "+42"},
	{starlark.MakeInt(42), " d", " 42"},
	{starlark.MakeInt(-42), " d", "-42"},
	{starlark.MakeInt(42), "-d", "42"},
	{starlark.MakeInt(255), "x", "ff"},
	{starlark.MakeInt(255), "X", "FF"},
	{starlark.MakeInt(255), "#X", "0XFF"},
	{starlark.MakeInt(-255), "#x", "-0xff"},
	{starlark.MakeInt(255), "#010x", "0x000000ff"},
	{starlark.MakeInt(5), "b", "101"},
	{starlark.MakeInt(5), "#b", "0b101"},
	{starlark.MakeInt(8), "o", "10"},
	{starlark.MakeInt(8), "#o", "0o10"},
	{starlark.MakeInt(65), "c", "A"},
	{starlark.MakeInt(65), "3c", "  A"},
	{starlark.MakeInt(1234), "n", "1234"},
	{starlark.MakeInt(1234567), "_", "1_234_567"},
	{starlark.MakeInt(0xdeadbeef), "_x", "dead_beef"},
	{starlark.MakeInt(0xdeadbeef), "#_x", "0xdead_beef"},
	{starlark.MakeInt(-1234567), ",d", "-1,234,567"},
	{starlark.MakeInt(123), ",", "123"},
	{starlark.MakeInt(1234), "08,", "0,001,234"},
	{starlark.MakeInt(1234), "010,", "00,001,234"},
	{starlark.MakeInt(1234), "09,", "0,001,234"},
	{starlark.MakeInt(1234), "*>10,", "*****1,234"},
	{starlark.MakeInt(0), "d", "0"},
	{starlark.MakeInt(1234), ".2f", "1234.00"},
	{starlark.MakeInt(5), "e", "5.000000e+00"},
	{starlark.MakeInt(1), "%", "100.000000%"},
	{starlark.MakeInt(7), "g", "7"},
	{starlark.True, "d", "1"},
	{starlark.False, ">3", "  0"},
	{starlark.MakeBigInt(new(big.Int).Lsh(big.NewInt(1), 70)), ",", "1,180,591,620,717,411,303,424"},

	// Floats, fixed.
	{starlark.Float(3.14159), "f", "3.141590"},
	{starlark.Float(3.14159), "10.3f", "     3.142"},
	{starlark.Float(-3.14159), "010.3f", "-00003.142"},
	{starlark.Float(3.14159), "+.1f", "+3.1"},
	{starlark.Float(0.125), ".2f", "0.12"},
	{starlark.Float(0.375), ".2f", "0.38"},
	{starlark.Float(1.5), ".0f", "2"},
	{starlark.Float(0.5), ".0f", "0"},
	{starlark.Float(1.0), "#.0f", "1."},
	{starlark.Float(-0.0001), ".2f", "-0.00"},
	{starlark.Float(-0.0001), "z.2f", "0.00"},
	{starlark.Float(math.Copysign(0, -1)), "z", "0.0"},
	{starlark.Float(1234567.891), ",.2f", "1,234,567.89"},
	{starlark.Float(1234567.891), "_.1f", "1_234_567.9"},
	{starlark.Float(1234.5), "012,.1f", "00,001,234.5"},
	{starlark.Float(math.Inf(1)), "f", "inf"},
	{starlark.Float(math.Inf(-1)), "F", "-INF"},
	{starlark.Float(math.NaN()), "f", "nan"},
	{starlark.Float(math.NaN()), "+F", "+NAN"},
	{starlark.Float(math.Inf(1)), "08.2f", "00000inf"},
	{starlark.Float(math.Inf(1)), ">6", "   inf"},
	{starlark.Float(1e300), ".0f", "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"},

	// Floats, exponent.
	{starlark.Float(12345.678), "e", "1.234568e+04"},
	{starlark.Float(12345.678), ".2E", "1.23E+04"},
	{starlark.Float(0.00012), ".1e", "1.2e-04"},
	{starlark.Float(1.0), "#.0e", "1.e+00"},
	{starlark.Float(1e100), "e", "1.000000e+100"},

	// Floats, general.
	{starlark.Float(1234.5678), "g", "1234.57"},
	{starlark.Float(0.0001), "g", "0.0001"},
	{starlark.Float(0.00001), "g", "1e-05"},
	{starlark.Float(123456789.0), "g", "1.23457e+08"},
	{starlark.Float(100000.0), "g", "100000"},
	{starlark.Float(1000000.0), "g", "1e+06"},
	{starlark.Float(1.5), "G", "1.5"},
	{starlark.Float(1e-10), "G", "1E-10"},
	{starlark.Float(0.0), "g", "0"},
	{starlark.Float(1.0), "#g", "1.00000"},
	{starlark.Float(100.0), "#.1g", "1.e+02"},
	{starlark.Float(3.14159), ".3g", "3.14"},
	{starlark.Float(9.9999995), "g", "10"},
	{starlark.Float(5.0), ".0g", "5"},
	{starlark.Float(1234.5678), "n", "1234.57"},

	// Floats without a type.
	{starlark.Float(3.14159), ".2", "3.1"},
	{starlark.Float(10.0), ".3", "10.0"},
	{starlark.Float(10.0), ".2", "1e+01"},
	{starlark.Float(100.0), ".2", "1e+02"},
	{starlark.Float(1.5), ".5", "1.5"},
	{starlark.Float(1.5), "8", "     1.5"},
	{starlark.Float(1.5), "<8", "1.5     "},
	{starlark.Float(-1.5), "=8", "-    1.5"},
	{starlark.Float(2.0), "+", "+2.0"},
	{starlark.Float(1e16), ",", "1e+16"},
	{starlark.Float(123456.0), ",", "123,456.0"},

	// Odd specs Python reads its own way.
	{starlark.MakeInt(1), "0=5", "00001"},
	{starlark.MakeInt(1), "<<5", "1<<<<"},
	{starlark.String("ab"), "\x00<4", "ab\x00\x00"},
	{starlark.String("ab"), ".0", ""},
	{starlark.Float(1.5), ".0", "2e+00"},
	{starlark.MakeInt(0x41), "=10c", "         A"},
	{starlark.MakeInt(-255), "x=+#012_x", "-0xxxxxxxxff"},

	// Percent.
	{starlark.Float(0.5), "%", "50.000000%"},
	{starlark.Float(0.256), ".1%", "25.6%"},
	{starlark.Float(0.5), ">8.0%", "     50%"},
}

func TestFormatMatchesPython(t *testing.T) {
	for _, c := range formatCases {
		got, err := formatValue(c.value, c.spec)
		if err != nil {
			t.Errorf("format(%s, %q): %v", c.value, c.spec, err)
			continue
		}
		if got != c.want {
			t.Errorf("format(%s, %q) = %q, want %q", c.value, c.spec, got, c.want)
		}
	}
}

func TestFormatErrors(t *testing.T) {
	for _, c := range []struct {
		value starlark.Value
		spec  string
		want  string
	}{
		{starlark.Float(3.5), "d", `format: unknown format code 'd' for a float value (spec "d")`},
		{starlark.String("ab"), "d", `format: unknown format code 'd' for a str value (spec "d")`},
		{starlark.MakeInt(1), "s", `format: unknown format code 's' for an int value (spec "s")`},
		{starlark.MakeInt(1), ".2", `format: a precision is not allowed (use a float type, e.g. '.2f') for an int value (spec ".2")`},
		{starlark.MakeInt(1), ".2d", "precision is not allowed"},
		{starlark.String("ab"), "+5", `format: a sign '+' is not allowed for a str value (spec "+5")`},
		{starlark.String("ab"), "=5", "'=' alignment is not allowed for a str value"},
		{starlark.String("ab"), "#", "'#' (alternate form) is not allowed for a str value"},
		{starlark.String("ab"), ",", "',' grouping is not allowed for a str value"},
		{starlark.String("ab"), "z", "'z' is not allowed for a str value"},
		{starlark.MakeInt(1), "z", "'z' is not allowed for an int value"},
		{starlark.MakeInt(255), ",x", "',' grouping is not allowed with type 'x' (use '_') for an int value"},
		{starlark.MakeInt(65), "+c", "a sign is not allowed with type 'c'"},
		{starlark.MakeInt(65), "#c", "'#' (alternate form) is not allowed with type 'c'"},
		{starlark.MakeInt(-1), "c", "-1 is not a code point"},
		{starlark.MakeInt(1), ",n", "',' grouping is not allowed with type 'n'"},
		{starlark.Float(1), ",n", "',' grouping is not allowed with type 'n'"},
		{starlark.MakeInt(1), ",_", `format: spec ",_" has both ',' and '_' grouping: keep one`},
		{starlark.MakeInt(1), ",,", `format: spec ",," gives the grouping ',' twice`},
		{starlark.MakeInt(1), ".f", `format: spec ".f" has a '.' with no precision after it`},
		{starlark.MakeInt(1), "5ff", `format: invalid spec "5ff" for an int value: want [[fill]align][sign][z][#][0][width][grouping][.precision][type]`},
		{starlark.Float(1), ".100000f", `format: precision 100000 in spec ".100000f" is too large (at most 10000)`},
		{starlark.Float(1), "99999999999999999999", "width 99999999999999999999"},
		{starlark.MakeBigInt(new(big.Int).Lsh(big.NewInt(1), 2000)), "f", "too large to convert to a float"},
		{starlark.None, ">5", `format: a NoneType value takes no format spec (spec ">5"): format str(value) instead`},
	} {
		_, err := formatValue(c.value, c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("format(%s, %q): error %v, want one containing %q", c.value, c.spec, err, c.want)
		}
	}
}

// format never panics, whatever the spec and value.
func FuzzFormat(f *testing.F) {
	for _, c := range formatCases {
		f.Add(c.spec, int64(42), 3.14159, "ab")
	}
	f.Add("\x00<5", int64(-1), math.Inf(-1), "")
	f.Add("★=+z#0100,.3%", int64(math.MinInt64), math.Copysign(0, -1), "é")
	f.Fuzz(func(t *testing.T, spec string, i int64, x float64, s string) {
		for _, v := range []starlark.Value{starlark.MakeInt64(i), starlark.Float(x), starlark.String(s), starlark.Bool(i%2 == 0)} {
			out, err := formatValue(v, spec)
			if err == nil && !strings.Contains(spec, "\x00") && len(out) > 4*maxFormatWidth+1000 {
				t.Errorf("format(%s, %q) is %d bytes long", v, spec, len(out))
			}
		}
	})
}
