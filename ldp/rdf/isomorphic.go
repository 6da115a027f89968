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
// Blank nodes are first told apart by a few rounds of colour refinement
// (hashing each with the colours of its neighbours). A search then maps
// the blank nodes of a to those of b colour by colour, following each
// choice along the edges it forces, so that chains, lists and rings cost
// linear time. Graphs made of many mutually indistinguishable blank nodes
// whose differences only show far away can still take exponential time.
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
	h := &hasher{seed: maphash.MakeSeed(), ground: make(map[Term]uint64)}
	ca, cb := newColouring(bnA, h), newColouring(bnB, h)
	if len(ca.nodes) != len(cb.nodes) {
		return false
	}
	// Each round splits classes further; a few rounds separate the nodes
	// of ordinary graphs, and the search's propagation does the rest.
	for range 8 {
		na, nb := ca.refine(h), cb.refine(h)
		if na != nb {
			return false
		}
		if !ca.changed && !cb.changed || na == len(ca.nodes) {
			break
		}
	}
	ca.finish()
	cb.finish()
	m := newMatcher(ca, cb, tb)
	if m == nil {
		return false
	}
	return m.search(0)
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

// hasher hashes terms for colour refinement, with one seed for both graphs.
type hasher struct {
	seed   maphash.Seed
	ground map[Term]uint64 // hashes of IRIs and literals
}

func (h *hasher) term(t Term) uint64 {
	if v, ok := h.ground[t]; ok {
		return v
	}
	v := maphash.String(h.seed, t.String())
	h.ground[t] = v
	return v
}

type colouring struct {
	nodes    []BlankNode
	incident map[BlankNode][]Triple
	colour   map[BlankNode]uint64
	changed  bool
	classes  int

	// The same, by index, for refine.
	index   map[BlankNode]int
	edges   [][]edge
	colours []uint64
}

// edge is a triple seen from one of its blank nodes: the hash of its
// predicate and of its ground end, and the index of its other blank node
// (-1 for none, -2 for the node itself).
type edge struct {
	subject bool // the node is the subject
	p, g    uint64
	other   int
}

func newColouring(ts []Triple, h *hasher) *colouring {
	c := &colouring{incident: make(map[BlankNode][]Triple), index: make(map[BlankNode]int)}
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
	for i, n := range c.nodes {
		c.index[n] = i
	}
	c.edges = make([][]edge, len(c.nodes))
	for i, n := range c.nodes {
		for _, t := range c.incident[n] {
			e := edge{subject: t.S == Term(n), p: h.term(t.P), other: -1}
			end := t.O
			if !e.subject {
				end = t.S
			}
			switch x := end.(type) {
			case BlankNode:
				if x == n {
					e.other = -2
				} else {
					e.other = c.index[x]
				}
			default:
				e.g = h.term(end)
			}
			c.edges[i] = append(c.edges[i], e)
		}
	}
	c.colours = make([]uint64, len(c.nodes))
	return c
}

// refine computes one round of colour refinement and returns the number of
// colour classes.
func (c *colouring) refine(h *hasher) int {
	next := make([]uint64, len(c.nodes))
	var sigs []uint64
	var x maphash.Hash
	for i := range c.nodes {
		sigs = sigs[:0]
		for _, e := range c.edges[i] {
			x.SetSeed(h.seed)
			maphash.WriteComparable(&x, e.subject)
			maphash.WriteComparable(&x, e.p)
			switch e.other {
			case -1:
				maphash.WriteComparable(&x, e.g)
			case -2:
				x.WriteString("self")
			default:
				x.WriteString("blank")
				maphash.WriteComparable(&x, c.colours[e.other])
			}
			sigs = append(sigs, x.Sum64())
		}
		slices.Sort(sigs)
		x.SetSeed(h.seed)
		maphash.WriteComparable(&x, c.colours[i])
		for _, s := range sigs {
			maphash.WriteComparable(&x, s)
		}
		next[i] = x.Sum64()
	}
	classes := make(map[uint64]struct{}, c.classes)
	for _, v := range next {
		classes[v] = struct{}{}
	}
	c.changed = len(classes) != c.classes
	c.classes = len(classes)
	c.colours = next
	return len(classes)
}

// finish makes the colours available by node for the matcher.
func (c *colouring) finish() {
	c.colour = make(map[BlankNode]uint64, len(c.nodes))
	for i, n := range c.nodes {
		c.colour[n] = c.colours[i]
	}
}

// matcher searches for a bijection from the blank nodes of a to those of b
// that preserves colours and maps every triple of a into b.
type matcher struct {
	a, b   *colouring
	target map[Triple]struct{}
	order  []BlankNode // nodes of a, smallest colour class first

	classB map[uint64][]BlankNode // nodes of b by colour
	hint   map[uint64]int         // see search

	fwd   map[BlankNode]BlankNode
	used  map[BlankNode]bool
	trail []BlankNode // nodes of a in the order they were mapped
}

// newMatcher returns nil if the colour classes of a and b differ in size.
func newMatcher(a, b *colouring, target map[Triple]struct{}) *matcher {
	size := make(map[uint64]int)
	for _, n := range a.nodes {
		size[a.colour[n]]++
	}
	for _, n := range b.nodes {
		size[b.colour[n]]--
	}
	for _, v := range size {
		if v != 0 {
			return nil
		}
	}
	for _, n := range a.nodes {
		size[a.colour[n]]++
	}
	order := slices.Clone(a.nodes)
	slices.SortStableFunc(order, func(x, y BlankNode) int {
		return cmp.Compare(size[a.colour[x]], size[a.colour[y]])
	})
	m := &matcher{a: a, b: b, target: target, order: order,
		classB: make(map[uint64][]BlankNode), hint: make(map[uint64]int),
		fwd: make(map[BlankNode]BlankNode), used: make(map[BlankNode]bool)}
	for _, n := range b.nodes {
		m.classB[b.colour[n]] = append(m.classB[b.colour[n]], n)
	}
	return m
}

func (m *matcher) assign(n, to BlankNode) {
	m.fwd[n] = to
	m.used[to] = true
	m.trail = append(m.trail, n)
}

func (m *matcher) undo(mark int) {
	for _, n := range m.trail[mark:] {
		delete(m.used, m.fwd[n])
		delete(m.fwd, n)
	}
	m.trail = m.trail[:mark]
}

// search maps the nodes of m.order from index i on.
func (m *matcher) search(i int) bool {
	for i < len(m.order) && m.fwd[m.order[i]] != "" {
		i++
	}
	if i == len(m.order) {
		return true
	}
	n := m.order[i]
	col := m.a.colour[n]
	class := m.classB[col]
	// The members of class before hint[col] are all mapped, and stay so
	// while this call runs: deeper calls only map and unmap other nodes.
	// Skipping them keeps a large class of look-alike nodes linear.
	old := m.hint[col]
	j := old
	for j < len(class) && m.used[class[j]] {
		j++
	}
	m.hint[col] = j
	for ; j < len(class); j++ {
		c := class[j]
		if m.used[c] {
			continue
		}
		mark := len(m.trail)
		m.assign(n, c)
		if m.propagate(mark) && m.search(i+1) {
			return true
		}
		m.undo(mark)
	}
	m.hint[col] = old
	return false
}

// propagate checks the triples of the nodes mapped since mark, mapping
// any neighbour that has exactly one possible image, and reports whether
// no triple failed.
func (m *matcher) propagate(mark int) bool {
	for q := mark; q < len(m.trail); q++ {
		n := m.trail[q]
		to := m.fwd[n]
		for _, t := range m.a.incident[n] {
			s, sok := m.image(t.S)
			o, ook := m.image(t.O)
			if sok && ook {
				if _, ok := m.target[Triple{S: s, P: t.P, O: o}]; !ok {
					return false
				}
				continue
			}
			// One end is n (mapped), the other an unmapped blank node x.
			var x, y BlankNode
			found := 0
			subj := !sok
			if subj {
				x = t.S.(BlankNode)
			} else {
				x = t.O.(BlankNode)
			}
			for _, u := range m.b.incident[to] {
				var cand Term
				if subj {
					if u.P != t.P || u.O != Term(to) {
						continue
					}
					cand = u.S
				} else {
					if u.P != t.P || u.S != Term(to) {
						continue
					}
					cand = u.O
				}
				c, ok := cand.(BlankNode)
				if !ok || m.used[c] || m.b.colour[c] != m.a.colour[x] {
					continue
				}
				found++
				y = c
			}
			switch found {
			case 0:
				return false
			case 1:
				m.assign(x, y)
			}
		}
	}
	return true
}

func (m *matcher) image(t Term) (Term, bool) {
	b, ok := t.(BlankNode)
	if !ok {
		return t, true
	}
	x, ok := m.fwd[b]
	return x, ok
}
