package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"succeed", "fail", "execute", "wait_for_unit", "wait_for_file", "start_all"}
	cases := []struct{ name, want string }{
		{"succed", "succeed"},
		{"Succeed", "succeed"},
		{"wait_for_unti", "wait_for_unit"},
		{"strat_all", "start_all"},
		{"fial", "fail"},
		{"xyz", ""},
		{"succeed", ""}, // an exact name is not a suggestion
		{"", ""},
		{"wait_for_port", ""},
	}
	for _, c := range cases {
		if got := Closest(c.name, names); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
