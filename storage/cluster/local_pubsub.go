package cluster

import (
	"context"
	"strings"
	"sync"
)

// node is one level of Local's subscription tree: a subscription to
// "a.*.c" sits in root.next["a"].star.next["c"].here, and one to "a.>" in
// root.next["a"].rest.
type node struct {
	next map[string]*node
	star *node
	here map[*localSub]struct{} // patterns ending at this node
	rest map[*localSub]struct{} // patterns ending in ">" after this node
}

func newNode() *node {
	return &node{next: make(map[string]*node)}
}

func (n *node) empty() bool {
	return len(n.next) == 0 && n.star == nil && len(n.here) == 0 && len(n.rest) == 0
}

// localSub is one subscription: a queue and the goroutine draining it
// into fn.
type localSub struct {
	l       *Local
	pattern []string
	fn      func(subject string, data []byte)
	queue   chan message
	done    chan struct{}
	once    sync.Once
}

type message struct {
	subject string
	data    []byte
}

// Publish implements Bus.
func (l *Local) Publish(ctx context.Context, subject string, data []byte) error {
	if l.closed.Load() {
		return ErrClosed
	}
	if err := CheckSubject(subject); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tokens := strings.Split(subject, ".")
	l.mu.RLock()
	defer l.mu.RUnlock()
	l.deliver(l.root, tokens, subject, data)
	return nil
}

// deliver queues the message for every subscription under n matching
// tokens. Each gets its own copy of data, which fn may keep and change.
func (l *Local) deliver(n *node, tokens []string, subject string, data []byte) {
	if len(tokens) == 0 {
		l.enqueue(n.here, subject, data)
		return
	}
	l.enqueue(n.rest, subject, data)
	if next := n.next[tokens[0]]; next != nil {
		l.deliver(next, tokens[1:], subject, data)
	}
	if n.star != nil {
		l.deliver(n.star, tokens[1:], subject, data)
	}
}

func (l *Local) enqueue(subs map[*localSub]struct{}, subject string, data []byte) {
	for s := range subs {
		select {
		case s.queue <- message{subject, append([]byte(nil), data...)}:
		default:
			l.dropped.Add(1)
		}
	}
}

// Subscribe implements Bus.
func (l *Local) Subscribe(pattern string, fn func(subject string, data []byte)) (cancel func(), err error) {
	if err := CheckPattern(pattern); err != nil {
		return nil, err
	}
	s := &localSub{
		l:       l,
		pattern: strings.Split(pattern, "."),
		fn:      fn,
		queue:   make(chan message, QueueLen),
		done:    make(chan struct{}),
	}
	l.mu.Lock()
	if l.closed.Load() {
		l.mu.Unlock()
		return nil, ErrClosed
	}
	n := l.root
	toks := s.pattern
	if toks[len(toks)-1] == ">" {
		toks = toks[:len(toks)-1]
	}
	for _, tok := range toks {
		n = n.child(tok)
	}
	if len(toks) < len(s.pattern) {
		n.rest = add(n.rest, s)
	} else {
		n.here = add(n.here, s)
	}
	l.subs[s] = struct{}{}
	l.mu.Unlock()
	go s.run()
	return s.cancel, nil
}

func (n *node) child(tok string) *node {
	if tok == "*" {
		if n.star == nil {
			n.star = newNode()
		}
		return n.star
	}
	c := n.next[tok]
	if c == nil {
		c = newNode()
		n.next[tok] = c
	}
	return c
}

func add(set map[*localSub]struct{}, s *localSub) map[*localSub]struct{} {
	if set == nil {
		set = make(map[*localSub]struct{})
	}
	set[s] = struct{}{}
	return set
}

// run calls fn for each queued message until the subscription stops.
func (s *localSub) run() {
	for {
		select {
		case <-s.done:
			return
		case m := <-s.queue:
			// Both cases may be ready: a stopped subscription delivers
			// nothing more.
			select {
			case <-s.done:
				return
			default:
			}
			s.fn(m.subject, m.data)
		}
	}
}

// cancel removes the subscription from its Local and stops it.
func (s *localSub) cancel() {
	l := s.l
	l.mu.Lock()
	if _, ok := l.subs[s]; ok {
		delete(l.subs, s)
		l.remove(l.root, s.pattern, s)
	}
	l.mu.Unlock()
	s.stop()
}

func (s *localSub) stop() {
	s.once.Do(func() { close(s.done) })
}

// remove takes s out of the tree under n, where tokens is what is left of
// its pattern, and prunes nodes left empty. It reports whether n is empty.
func (l *Local) remove(n *node, tokens []string, s *localSub) bool {
	switch {
	case len(tokens) == 0:
		delete(n.here, s)
	case len(tokens) == 1 && tokens[0] == ">":
		delete(n.rest, s)
	case tokens[0] == "*":
		if n.star != nil && l.remove(n.star, tokens[1:], s) {
			n.star = nil
		}
	default:
		if c := n.next[tokens[0]]; c != nil && l.remove(c, tokens[1:], s) {
			delete(n.next, tokens[0])
		}
	}
	return n.empty()
}
