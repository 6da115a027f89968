package ldp

import (
	"strconv"
	"strings"
)

// mediaRange is one entry of an Accept header.
type mediaRange struct {
	typ, sub string  // "*" for wildcards
	q        float64 // 0..1
}

// parseAccept parses an Accept header (RFC 9110 §12.5.1). Malformed
// entries are skipped, as browsers send odd values and a bad entry should
// not make the whole request fail.
func parseAccept(h string) []mediaRange {
	var out []mediaRange
	for part := range strings.SplitSeq(h, ",") {
		params := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(params[0]))
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok || typ == "" || sub == "" || (typ == "*" && sub != "*") {
			continue
		}
		q := 1.0
		for _, p := range params[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		out = append(out, mediaRange{typ, sub, q})
	}
	return out
}

// quality returns the q-value the ranges give mediaType, preferring the
// most specific matching range, and its specificity (-1: no match).
func quality(ranges []mediaRange, mediaType string) (float64, int) {
	typ, sub, _ := strings.Cut(mediaType, "/")
	best, spec := 0.0, -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*":
			s = 0
		}
		if s > spec {
			best, spec = r.q, s
		}
	}
	return best, spec
}

// negotiate picks the offer the Accept header likes best. Offers are in
// the server's order of preference, which breaks ties. An empty header
// accepts the first offer. It returns "" when nothing is acceptable.
func negotiate(accept string, offers []string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	ranges := parseAccept(accept)
	if len(ranges) == 0 {
		return offers[0]
	}
	chosen, bestQ, bestSpec := "", 0.0, -1
	for _, o := range offers {
		q, spec := quality(ranges, o)
		if q <= 0 {
			continue
		}
		// A higher q wins; with equal q, an exact match beats a wildcard.
		if q > bestQ || (q == bestQ && spec > bestSpec) {
			chosen, bestQ, bestSpec = o, q, spec
		}
	}
	return chosen
}
