package disk

import "sync"

// maxCached bounds the number of files whose metadata the cache keeps,
// roughly 150 bytes each.
const maxCached = 1 << 17

// metaCache keeps the header of files that List has read or Put has
// written, per directory, so that listing a large container warm costs one
// pass over the directory and no file reads.
//
// It is correct because this Store is the only writer under its root. Put
// removes the entry of a file before renaming over it and sets it after,
// both under the key's lock; Delete removes it after unlinking. List only
// adds entries that are missing, so an entry read from an old file before a
// rename can never overwrite the new one. An entry may outlive its file
// (List read it just before a Delete), but only a Put can create that name
// again, and Put replaces the entry.
type metaCache struct {
	mu   sync.Mutex
	dirs map[string]map[string]meta
	n    int
	max  int
	// types interns content types: a few values repeat in many files.
	types map[string]string
}

func newMetaCache(max int) metaCache {
	return metaCache{dirs: map[string]map[string]meta{}, types: map[string]string{}, max: max}
}

// get returns the cached metadata of name in directory dir.
func (c *metaCache) get(dir, name string) (meta, bool) {
	c.mu.Lock()
	m, ok := c.dirs[dir][name]
	c.mu.Unlock()
	return m, ok
}

// set records m for name in dir, replacing any entry. With replace false
// it adds m only if name has no entry.
func (c *metaCache) set(dir, name string, m meta, replace bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dirs[dir]
	if d == nil {
		d = map[string]meta{}
		c.dirs[dir] = d
	}
	if _, ok := d[name]; ok {
		if !replace {
			return
		}
	} else {
		c.n++
	}
	if t, ok := c.types[m.contentType]; ok {
		m.contentType = t
	} else if len(c.types) < 1024 {
		c.types[m.contentType] = m.contentType
	}
	d[name] = m
	if c.n > c.max {
		c.evict(dir)
	}
}

// evict drops whole directories, other than keep, until the cache is at
// three quarters of its size. Map iteration order makes the choice random.
func (c *metaCache) evict(keep string) {
	for dir, d := range c.dirs {
		if c.n <= c.max*3/4 {
			return
		}
		if dir != keep {
			c.n -= len(d)
			delete(c.dirs, dir)
		}
	}
	// One directory holds more than the cache can: drop it too.
	if c.n > c.max {
		c.n -= len(c.dirs[keep])
		delete(c.dirs, keep)
	}
}

// remove drops the entry of name in dir.
func (c *metaCache) remove(dir, name string) {
	c.mu.Lock()
	if d := c.dirs[dir]; d != nil {
		if _, ok := d[name]; ok {
			c.n--
			delete(d, name)
		}
	}
	c.mu.Unlock()
}

// removeDir drops every entry of directory dir.
func (c *metaCache) removeDir(dir string) {
	c.mu.Lock()
	c.n -= len(c.dirs[dir])
	delete(c.dirs, dir)
	c.mu.Unlock()
}
