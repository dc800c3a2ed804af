package suite

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// For many sets of names and shard counts, every test is in exactly one
// shard.
func TestShardsPartition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var tests []Test
		for i := range rng.IntN(60) {
			tests = append(tests, Test{Name: fmt.Sprintf("dir%d/test-%d-%d.star", rng.IntN(5), round, i)})
		}
		n := 1 + rng.IntN(9)
		count := map[string]int{}
		for i := 1; i <= n; i++ {
			for _, tt := range (Shard{Index: i, Count: n}).Select(tests) {
				count[tt.Name]++
			}
		}
		for _, tt := range tests {
			if count[tt.Name] != 1 {
				t.Fatalf("round %d, %d shards: %s is in %d shards", round, n, tt.Name, count[tt.Name])
			}
		}
	}
}

// Adding tests moves no test to another shard.
func TestShardStableUnderAddingTests(t *testing.T) {
	before := []Test{{Name: "a.star"}, {Name: "net/b.star"}, {Name: "c.star"}}
	after := append([]Test{{Name: "0.star"}, {Name: "net/aa.star"}}, before...)
	for n := 1; n <= 5; n++ {
		for i := 1; i <= n; i++ {
			s := Shard{Index: i, Count: n}
			mine := map[string]bool{}
			for _, tt := range s.Select(after) {
				mine[tt.Name] = true
			}
			for _, tt := range s.Select(before) {
				if !mine[tt.Name] {
					t.Errorf("shard %s: %s left it when tests were added", s, tt.Name)
				}
			}
		}
	}
}

// With enough tests, every shard gets some.
func TestShardsShareTheWork(t *testing.T) {
	var tests []Test
	for i := range 400 {
		tests = append(tests, Test{Name: fmt.Sprintf("t%d.star", i)})
	}
	for i := 1; i <= 4; i++ {
		if got := len((Shard{Index: i, Count: 4}).Select(tests)); got < 60 || got > 140 {
			t.Errorf("shard %d/4 got %d of 400 tests", i, got)
		}
	}
}

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("2/4"); err != nil || s != (Shard{Index: 2, Count: 4}) {
		t.Errorf(`ParseShard("2/4") = %v, %v`, s, err)
	}
	for in, want := range map[string]string{
		"":    "give I/N",
		"2":   "give I/N",
		"a/3": "give I/N",
		"0/3": "I must be from 1 to 3",
		"4/3": "I must be from 1 to 3",
		"1/0": "N must be 1 or more",
	} {
		if _, err := ParseShard(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseShard(%q): %v, want an error with %q", in, err, want)
		}
	}
}
