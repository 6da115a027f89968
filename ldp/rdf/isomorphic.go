package rdf

import (
	"cmp"
	"hash/maphash"
	"slices"
	"strings"
)

// Isomorphic reports whether a and b are the same RDF graph up to the
// labels of blank nodes (RDF 1.1 Concepts §3.6). Duplicate triples are
// ignored, xsd:string literals equal plain ones, and language tags compare
// case-insensitively (RDF 1.1 Concepts §3.3; JSON-LD processing lowercases
// them).
//
// Blank nodes are first told apart by colour refinement (hashing each with
// its neighbourhood until the partition is stable); any ties left are
// settled by backtracking. That is fast for the graphs of Solid resources;
// a large graph of many mutually indistinguishable blank nodes can take
// exponential time.
func Isomorphic(a, b *Graph) bool {
	ta, tb := setOf(a), setOf(b)
	if len(ta) != len(tb) {
		return false
	}
	var bnA, bnB []Triple
	for t := range ta {
		if hasBlank(t) {
			bnA = append(bnA, t)
		} else if _, ok := tb[t]; !ok {
			return false
		}
	}
	for t := range tb {
		if hasBlank(t) {
			bnB = append(bnB, t)
		}
	}
	if len(bnA) != len(bnB) {
		return false
	}
	if len(bnA) == 0 {
		return true
	}
	seed := maphash.MakeSeed()
	ca, cb := newColouring(bnA), newColouring(bnB)
	for range len(ca.nodes) + 1 {
		na, nb := ca.refine(seed), cb.refine(seed)
		if na != nb {
			return false
		}
		if !ca.changed && !cb.changed {
			break
		}
	}
	if !sameColours(ca, cb) {
		return false
	}
	m := &matcher{a: ca, b: cb, target: tb, fwd: map[BlankNode]BlankNode{}, used: map[BlankNode]bool{}}
	order := slices.Clone(ca.nodes)
	classSize := make(map[uint64]int)
	for _, n := range cb.nodes {
		classSize[cb.colour[n]]++
	}
	slices.SortStableFunc(order, func(x, y BlankNode) int {
		return cmp.Compare(classSize[ca.colour[x]], classSize[ca.colour[y]])
	})
	return m.match(order)
}

func setOf(g *Graph) map[Triple]struct{} {
	s := make(map[Triple]struct{}, len(g.Triples))
	for _, t := range g.Triples {
		if l, ok := t.O.(Literal); ok {
			l = l.canonical()
			l.Lang = strings.ToLower(l.Lang)
			t.O = l
		}
		s[t] = struct{}{}
	}
	return s
}

func hasBlank(t Triple) bool {
	_, s := t.S.(BlankNode)
	_, o := t.O.(BlankNode)
	return s || o
}

type colouring struct {
	nodes    []BlankNode
	incident map[BlankNode][]Triple
	colour   map[BlankNode]uint64
	changed  bool
	classes  int
}

func newColouring(ts []Triple) *colouring {
	c := &colouring{incident: make(map[BlankNode][]Triple), colour: make(map[BlankNode]uint64)}
	add := func(t Term, tr Triple) {
		if b, ok := t.(BlankNode); ok {
			if _, seen := c.incident[b]; !seen {
				c.nodes = append(c.nodes, b)
			}
			c.incident[b] = append(c.incident[b], tr)
		}
	}
	for _, t := range ts {
		add(t.S, t)
		if t.O != t.S {
			add(t.O, t)
		}
	}
	slices.Sort(c.nodes)
	return c
}

// refine computes one round of colour refinement and returns the number of
// colour classes.
func (c *colouring) refine(seed maphash.Seed) int {
	next := make(map[BlankNode]uint64, len(c.nodes))
	var sigs []uint64
	for _, n := range c.nodes {
		sigs = sigs[:0]
		for _, t := range c.incident[n] {
			var h maphash.Hash
			h.SetSeed(seed)
			for i, term := range [3]Term{t.S, t.P, t.O} {
				switch x := term.(type) {
				case BlankNode:
					if x == n {
						h.WriteString("\x00self")
					} else {
						h.WriteString("\x00blank")
						maphash.WriteComparable(&h, c.colour[x])
					}
				default:
					h.WriteString(term.String())
				}
				h.WriteByte(byte(i))
			}
			sigs = append(sigs, h.Sum64())
		}
		slices.Sort(sigs)
		var h maphash.Hash
		h.SetSeed(seed)
		maphash.WriteComparable(&h, c.colour[n])
		for _, s := range sigs {
			maphash.WriteComparable(&h, s)
		}
		next[n] = h.Sum64()
	}
	classes := make(map[uint64]bool)
	for _, v := range next {
		classes[v] = true
	}
	c.changed = len(classes) != c.classes
	c.classes = len(classes)
	c.colour = next
	return len(classes)
}

func sameColours(a, b *colouring) bool {
	if len(a.nodes) != len(b.nodes) {
		return false
	}
	count := make(map[uint64]int)
	for _, n := range a.nodes {
		count[a.colour[n]]++
	}
	for _, n := range b.nodes {
		count[b.colour[n]]--
	}
	for _, v := range count {
		if v != 0 {
			return false
		}
	}
	return true
}

type matcher struct {
	a, b   *colouring
	target map[Triple]struct{}
	fwd    map[BlankNode]BlankNode
	used   map[BlankNode]bool
}

func (m *matcher) match(order []BlankNode) bool {
	if len(order) == 0 {
		return true
	}
	n := order[0]
	for _, cand := range m.b.nodes {
		if m.used[cand] || m.b.colour[cand] != m.a.colour[n] {
			continue
		}
		m.fwd[n], m.used[cand] = cand, true
		if m.consistent(n) && m.match(order[1:]) {
			return true
		}
		delete(m.fwd, n)
		delete(m.used, cand)
	}
	return false
}

// consistent checks the triples of n whose blank nodes are all mapped.
func (m *matcher) consistent(n BlankNode) bool {
	for _, t := range m.a.incident[n] {
		s, ok1 := m.mapTerm(t.S)
		o, ok2 := m.mapTerm(t.O)
		if !ok1 || !ok2 {
			continue
		}
		if _, ok := m.target[Triple{S: s, P: t.P, O: o}]; !ok {
			return false
		}
	}
	return true
}

func (m *matcher) mapTerm(t Term) (Term, bool) {
	b, ok := t.(BlankNode)
	if !ok {
		return t, true
	}
	x, ok := m.fwd[b]
	return x, ok
}
