// Package patch is what a PATCH request asks of an RDF document, and the
// application of it. It sits in the operation step of the request flow:
// ldp parses the body into a Patch (an N3 Patch or a SPARQL Update reduce
// to the same model), asks WAC for the modes Patch.Modes names, then
// applies it to the document's graph and stores the result.
package patch

import (
	"errors"
	"fmt"

	"github.com/seedpod/seedpod/ldp/rdf"
)

// Errors of Apply, all meaning 409 Conflict: the patch is well formed but
// does not fit the document as it is now.
var (
	// ErrNoMatch: an exact where clause matched nothing.
	ErrNoMatch = errors.New("patch: the where clause matches nothing in the document")
	// ErrAmbiguous: an exact where clause matched more than once.
	ErrAmbiguous = errors.New("patch: the where clause matches more than once in the document")
	// ErrMissing: a triple to delete is not in the document.
	ErrMissing = errors.New("patch: a triple to delete is not in the document")
	// ErrTooComplex: evaluating the where clause, or instantiating the
	// templates for its solutions, would take more than maxWork steps, as
	// a cross product of unrelated patterns on a large document does.
	ErrTooComplex = errors.New("patch: the where clause is too costly to evaluate on this document")
)

// maxWork bounds the steps of one Apply: triples tried while matching
// where clauses, plus triples instantiated from templates. A hostile
// where clause such as { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } would otherwise
// take time and memory cubic in the size of the document.
const maxWork = 1 << 20

// Node is a term of a pattern: an RDF term, or a variable when Var is set.
type Node struct {
	Term rdf.Term
	Var  string // the variable's name, without "?"
}

// V returns the variable node ?name.
func V(name string) Node { return Node{Var: name} }

// T returns the node for an RDF term.
func T(t rdf.Term) Node { return Node{Term: t} }

// Pattern is a triple pattern.
type Pattern struct{ S, P, O Node }

// Op is one change: find the solutions of Where in the document, then, for
// each, delete the instantiated Deletes and insert the instantiated
// Inserts, all deletions before any insertion.
type Op struct {
	Where, Deletes, Inserts []Pattern
	// Exact requires exactly one solution of Where (N3 Patch, Solid
	// Protocol §5.3.1: zero or several are a conflict). Otherwise each
	// solution applies, as in SPARQL.
	Exact bool
	// Strict requires every triple to delete to be in the document (N3
	// Patch; SPARQL DELETE DATA as Solid servers apply it, which clients
	// such as rdflib rely on to detect conflicts).
	Strict bool
}

// Patch is a sequence of operations, applied in order to one document.
type Patch struct {
	Ops []Op
}

// Modes reports the WAC modes the patch needs on its target (Solid
// Protocol §5.3.1): reading a where clause needs Read, inserting needs
// Append, deleting needs Read and Write.
func (p *Patch) Modes() (read, appendMode, write bool) {
	for _, op := range p.Ops {
		if len(op.Where) > 0 {
			read = true
		}
		if len(op.Inserts) > 0 {
			appendMode = true
		}
		if len(op.Deletes) > 0 {
			read, write = true, true
		}
	}
	return read, appendMode, write
}

// Apply changes g in place. On error g is left unchanged.
func (p *Patch) Apply(g *rdf.Graph) error {
	work := newIndex(g.Triples)
	fresh := freshBlanks{used: work.blanks()}
	for i, op := range p.Ops {
		if err := work.apply(op, &fresh); err != nil {
			if len(p.Ops) > 1 {
				return fmt.Errorf("operation %d: %w", i+1, err)
			}
			return err
		}
	}
	g.Triples = work.triples()
	return nil
}

// binding maps variable names (and, in where clauses, blank node labels,
// which act as variables) to terms.
type binding map[string]rdf.Term

// index is a set of triples with indexes by subject, predicate and
// object, enough to join triple patterns quickly on documents of many
// thousand triples.
type index struct {
	order         []rdf.Triple // insertion order, with deleted entries kept as holes
	alive         map[rdf.Triple]int
	byS, byP, byO map[rdf.Term][]int
	work          int // steps left before ErrTooComplex
}

func newIndex(ts []rdf.Triple) *index {
	x := &index{
		alive: make(map[rdf.Triple]int, len(ts)),
		byS:   map[rdf.Term][]int{}, byP: map[rdf.Term][]int{}, byO: map[rdf.Term][]int{},
		work: maxWork,
	}
	for _, t := range ts {
		x.add(t)
	}
	return x
}

func (x *index) add(t rdf.Triple) {
	if _, ok := x.alive[t]; ok {
		return
	}
	x.alive[t] = len(x.order)
	x.byS[t.S] = append(x.byS[t.S], len(x.order))
	x.byP[t.P] = append(x.byP[t.P], len(x.order))
	x.byO[t.O] = append(x.byO[t.O], len(x.order))
	x.order = append(x.order, t)
}

func (x *index) remove(t rdf.Triple) {
	if i, ok := x.alive[t]; ok {
		delete(x.alive, t)
		x.order[i] = rdf.Triple{}
	}
}

func (x *index) has(t rdf.Triple) bool { _, ok := x.alive[t]; return ok }

func (x *index) triples() []rdf.Triple {
	out := make([]rdf.Triple, 0, len(x.alive))
	for _, t := range x.order {
		if t.S != nil {
			out = append(out, t)
		}
	}
	return out
}

// blanks returns the blank node labels in use.
func (x *index) blanks() map[rdf.BlankNode]bool {
	used := map[rdf.BlankNode]bool{}
	for t := range x.alive {
		for _, term := range []rdf.Term{t.S, t.O} {
			if b, ok := term.(rdf.BlankNode); ok {
				used[b] = true
			}
		}
	}
	return used
}

// candidates returns the positions in x.order of the triples that might
// match pattern p: the shortest index list among its bound positions, or
// all (every position) when none is bound. Positions may be holes.
func (x *index) candidates(p Pattern, b binding) (ids []int, all bool) {
	found := false
	for _, c := range [3]struct {
		n  Node
		by map[rdf.Term][]int
	}{{p.S, x.byS}, {p.P, x.byP}, {p.O, x.byO}} {
		if t := resolve(c.n, b); t != nil {
			if l := c.by[t]; !found || len(l) < len(ids) {
				ids, found = l, true
			}
		}
	}
	return ids, !found
}

// estimate is the number of candidates of p once the variables in bound
// are bound, as far as the indexes tell before matching.
func (x *index) estimate(p Pattern, bound map[string]bool) int {
	n := len(x.alive)
	for _, c := range [3]struct {
		n  Node
		by map[rdf.Term][]int
	}{{p.S, x.byS}, {p.P, x.byP}, {p.O, x.byO}} {
		if name := varName(c.n); name == "" {
			n = min(n, len(c.by[c.n.Term]))
		} else if bound[name] {
			n = min(n, len(x.alive)/8) // a guess: bound by the join
		}
	}
	return n
}

// joinOrder reorders patterns so that each comes after patterns binding
// its variables, the cheapest first, so that a join follows the index
// instead of enumerating cross products. Long where clauses (rare, and
// written by machines in a sensible order) keep their order, so that this
// stays linear in the size of the patch.
func (x *index) joinOrder(patterns []Pattern) []Pattern {
	if len(patterns) < 2 || len(patterns) > 64 {
		return patterns
	}
	left := append([]Pattern(nil), patterns...)
	out := make([]Pattern, 0, len(patterns))
	bound := map[string]bool{}
	for len(left) > 0 {
		best, cost := 0, -1
		for i, p := range left {
			if c := x.estimate(p, bound); cost < 0 || c < cost {
				best, cost = i, c
			}
		}
		p := left[best]
		out = append(out, p)
		left = append(left[:best], left[best+1:]...)
		for _, n := range [3]Node{p.S, p.P, p.O} {
			if name := varName(n); name != "" {
				bound[name] = true
			}
		}
	}
	return out
}

// resolve returns the term a node stands for under b, or nil if it is an
// unbound variable. Blank nodes in where clauses are variables too.
func resolve(n Node, b binding) rdf.Term {
	if n.Var != "" {
		return b[n.Var]
	}
	if bn, ok := n.Term.(rdf.BlankNode); ok {
		return b["_:"+string(bn)]
	}
	return n.Term
}

// varName is the binding key of a node that is a variable (or a blank node
// in a where clause), "" otherwise.
func varName(n Node) string {
	if n.Var != "" {
		return n.Var
	}
	if bn, ok := n.Term.(rdf.BlankNode); ok {
		return "_:" + string(bn)
	}
	return ""
}

// match finds every solution of patterns in x, by backtracking; limit > 0
// stops after that many. It fails with ErrTooComplex when it runs out of
// work.
func (x *index) match(patterns []Pattern, limit int) ([]binding, error) {
	patterns = x.joinOrder(patterns)
	var out []binding
	var walk func(i int, b binding) bool
	walk = func(i int, b binding) bool {
		if x.work < 0 {
			return true
		}
		if i == len(patterns) {
			x.work -= len(b) + 1
			c := make(binding, len(b))
			for k, v := range b {
				c[k] = v
			}
			out = append(out, c)
			return limit > 0 && len(out) >= limit
		}
		p := patterns[i]
		ids, all := x.candidates(p, b)
		n := len(ids)
		if all {
			n = len(x.order)
		}
		for k := range n {
			if x.work--; x.work < 0 {
				return true
			}
			j := k
			if !all {
				j = ids[k]
			}
			t := x.order[j]
			if t.S == nil {
				continue // deleted
			}
			added, ok := unify(p, t, b)
			if ok && walk(i+1, b) {
				return true
			}
			for _, k := range added {
				delete(b, k)
			}
		}
		return false
	}
	walk(0, binding{})
	if x.work < 0 {
		return nil, ErrTooComplex
	}
	return out, nil
}

// unify extends b so that p matches t, returning the keys it added.
func unify(p Pattern, t rdf.Triple, b binding) (added []string, ok bool) {
	for _, pair := range [3]struct {
		n Node
		t rdf.Term
	}{{p.S, t.S}, {p.P, t.P}, {p.O, t.O}} {
		if name := varName(pair.n); name != "" {
			if cur, bound := b[name]; bound {
				if cur != pair.t {
					return added, false
				}
				continue
			}
			b[name] = pair.t
			added = append(added, name)
			continue
		}
		if pair.n.Term != pair.t {
			return added, false
		}
	}
	return added, true
}

// apply runs one operation on x, or changes nothing and fails.
func (x *index) apply(op Op, fresh *freshBlanks) error {
	limit := 0
	if op.Exact {
		limit = 2 // enough to tell one from several
	}
	solutions := []binding{{}}
	if len(op.Where) > 0 {
		var err error
		if solutions, err = x.match(op.Where, limit); err != nil {
			return err
		}
	}
	if op.Exact {
		switch {
		case len(solutions) == 0:
			return ErrNoMatch
		case len(solutions) > 1:
			return ErrAmbiguous
		}
	}
	var dels, ins []rdf.Triple
	for _, b := range solutions {
		if x.work -= len(op.Deletes) + len(op.Inserts); x.work < 0 {
			return ErrTooComplex
		}
		for _, p := range op.Deletes {
			t, ok := instantiate(p, b, nil)
			if !ok {
				continue // SPARQL: an unbound variable drops the triple
			}
			if op.Strict && !x.has(t) {
				return ErrMissing
			}
			dels = append(dels, t)
		}
		// Blank nodes in inserts are new nodes, fresh for each solution.
		renamed := map[rdf.BlankNode]rdf.BlankNode{}
		for _, p := range op.Inserts {
			t, ok := instantiate(p, b, func(bn rdf.BlankNode) rdf.BlankNode {
				if n, ok := renamed[bn]; ok {
					return n
				}
				n := fresh.next()
				renamed[bn] = n
				return n
			})
			if ok {
				ins = append(ins, t)
			}
		}
	}
	for _, t := range dels {
		x.remove(t)
	}
	for _, t := range ins {
		x.add(t)
	}
	return nil
}

// instantiate replaces the variables of p by their values in b. In a
// template (inserts or deletes), a blank node is a new node given by
// rename, or, for deletes (rename nil), a variable bound in b. It reports
// false when a variable is unbound or the result is not a valid triple.
func instantiate(p Pattern, b binding, rename func(rdf.BlankNode) rdf.BlankNode) (rdf.Triple, bool) {
	var out [3]rdf.Term
	for i, n := range [3]Node{p.S, p.P, p.O} {
		switch {
		case n.Var != "":
			out[i] = b[n.Var]
		case rename != nil:
			if bn, ok := n.Term.(rdf.BlankNode); ok {
				out[i] = rename(bn)
			} else {
				out[i] = n.Term
			}
		default:
			out[i] = resolve(n, b)
			if out[i] == nil {
				out[i] = n.Term
			}
		}
		if out[i] == nil {
			return rdf.Triple{}, false
		}
	}
	t := rdf.Triple{S: out[0], P: out[1], O: out[2]}
	if _, ok := t.S.(rdf.Literal); ok {
		return t, false
	}
	if _, ok := t.P.(rdf.IRI); !ok {
		return t, false
	}
	return t, true
}

// freshBlanks hands out blank node labels not used in the document.
type freshBlanks struct {
	used map[rdf.BlankNode]bool
	n    int
}

func (f *freshBlanks) next() rdf.BlankNode {
	for {
		f.n++
		b := rdf.BlankNode(fmt.Sprintf("p%d", f.n))
		if !f.used[b] {
			f.used[b] = true
			return b
		}
	}
}
