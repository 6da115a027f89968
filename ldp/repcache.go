package ldp

import (
	"container/list"
	"sync"
)

// repSuffixSep separates a stored ETag from the suffix that names a
// converted representation ("abc-jsonld"), so each representation has its
// own strong ETag (RFC 9110 §8.8.3).
const repSuffixSep = "-as-"

// repCache keeps RDF representations converted from stored bytes, keyed by
// the stored ETag and target media type, so a document is parsed and
// serialised once per change, not once per request. It evicts the least
// recently used entries beyond a byte budget. Safe for concurrent use.
type repCache struct {
	mu     sync.Mutex
	max    int
	size   int
	order  *list.List // front = most recent; values are *repEntry
	byName map[string]*list.Element
}

type repEntry struct {
	name string
	body []byte
}

func newRepCache(maxBytes int) *repCache {
	return &repCache{max: maxBytes, order: list.New(), byName: make(map[string]*list.Element)}
}

func (c *repCache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byName[name]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*repEntry).body, true
	}
	return nil, false
}

func (c *repCache) put(name string, body []byte) {
	if len(body) > c.max/8 {
		return // one huge document must not flush everything else
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byName[name]; ok {
		return
	}
	c.byName[name] = c.order.PushFront(&repEntry{name, body})
	c.size += len(body)
	for c.size > c.max {
		e := c.order.Back()
		c.order.Remove(e)
		re := e.Value.(*repEntry)
		delete(c.byName, re.name)
		c.size -= len(re.body)
	}
}
