// Package suggest finds the name a misspelling most likely meant, for
// "did you mean" hints in vmt's errors and lint findings.
package suggest

import "strings"

// Closest returns the candidate nearest to name by edit distance, or ""
// when none is close enough to be a plausible typo. Ties go to the
// candidate listed first. Case differences count as half an edit so that
// "Succeed" finds "succeed" before "success".
func Closest(name string, candidates []string) string {
	best, bestScore := "", -1
	limit := maxEdits(name)
	for _, c := range candidates {
		if c == name || c == "" {
			continue
		}
		score := distance(name, c)
		if score > limit*2 {
			continue
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// maxEdits allows one edit per five runes, at least one: more turns
// unrelated names of a family (wait_for_port, wait_for_unit) into hints.
func maxEdits(name string) int {
	return max(1, len([]rune(name))/5)
}

// distance is the edit distance with adjacent transpositions, in
// half-edits: a substitution that only changes case costs 1, every other
// edit 2.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = 2 * i
	}
	for j := range d[0] {
		d[0][j] = 2 * j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			sub := d[i-1][j-1]
			if ra[i-1] != rb[j-1] {
				if strings.EqualFold(string(ra[i-1]), string(rb[j-1])) {
					sub++
				} else {
					sub += 2
				}
			}
			d[i][j] = min(sub, d[i-1][j]+2, d[i][j-1]+2)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+2)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
