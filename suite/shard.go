package suite

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of N shares of a suite: a CI matrix of N jobs, job I
// running --shard I/N, runs every test exactly once. A test's share
// depends on its name alone, so adding a test moves no other.
type Shard struct {
	Index int // 1-based
	Count int
}

// ParseShard reads "I/N", 1 ≤ I ≤ N.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, errI := strconv.Atoi(strings.TrimSpace(i))
	count, errN := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case !ok || errI != nil || errN != nil:
		return Shard{}, fmt.Errorf("--shard %q: give I/N, this job's number I of N jobs, as in --shard 2/4", s)
	case count < 1:
		return Shard{}, fmt.Errorf("--shard %s: the number of shards N must be 1 or more", s)
	case index < 1 || index > count:
		return Shard{}, fmt.Errorf("--shard %s: I must be from 1 to %d (shards are numbered from 1)", s, count)
	}
	return Shard{Index: index, Count: count}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Has reports whether the test named name belongs to this shard: the
// FNV-1a hash of the name, modulo N.
func (s Shard) Has(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%uint32(s.Count)) == s.Index-1
}

// Select returns the tests of this shard, in order.
func (s Shard) Select(tests []Test) []Test {
	var mine []Test
	for _, t := range tests {
		if s.Has(t.Name) {
			mine = append(mine, t)
		}
	}
	return mine
}
