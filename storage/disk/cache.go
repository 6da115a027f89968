package disk

import "sync"

// maxCached bounds the number of files whose metadata the cache keeps,
// roughly 150 bytes each.
const maxCached = 1 << 17

// metaCache keeps the header of files that List has read or Put has
// written, per directory, so that listing a large container warm costs one
// pass over the directory and no file reads.
//
// It is exact because this Store is the only writer under its root. Every
// change to a directory (Put, Delete) updates the cache after changing the
// filesystem, under the cache's lock, and bumps the directory's
// generation. List notes the generation before reading a file's header
// and adds what it read only if the generation is unchanged, so a header
// read while a write raced it is never cached.
type metaCache struct {
	mu   sync.Mutex
	dirs map[string]*dirCache
	n    int // entries in all dirs
	max  int
	// types interns content types: a few values repeat in many files.
	types map[string]string
}

type dirCache struct {
	gen   uint64
	files map[string]meta
}

// token identifies a directory's state in the cache, as noted by lookup.
type token struct {
	d   *dirCache
	gen uint64
}

func newMetaCache(max int) metaCache {
	return metaCache{dirs: map[string]*dirCache{}, types: map[string]string{}, max: max}
}

// dir returns the cache of directory dir, creating it; c.mu is held.
func (c *metaCache) dir(dir string) *dirCache {
	d := c.dirs[dir]
	if d == nil {
		d = &dirCache{files: map[string]meta{}}
		c.dirs[dir] = d
	}
	return d
}

// lookup returns the cached metadata of name in directory dir, or, if
// there is none, a token to pass to add.
func (c *metaCache) lookup(dir, name string) (meta, bool, token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dir(dir)
	if m, ok := d.files[name]; ok {
		return m, true, token{}
	}
	return meta{}, false, token{d, d.gen}
}

// add records m, read from name in dir after lookup gave tok, unless dir
// changed since.
func (c *metaCache) add(dir, name string, m meta, tok token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.dirs[dir]; d == tok.d && d.gen == tok.gen {
		c.put(d, dir, name, m)
	}
}

// set records m for name in dir after a write.
func (c *metaCache) set(dir, name string, m meta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dir(dir)
	d.gen++
	c.put(d, dir, name, m)
}

// put adds or replaces an entry; c.mu is held.
func (c *metaCache) put(d *dirCache, dir, name string, m meta) {
	if _, ok := d.files[name]; !ok {
		c.n++
	}
	if t, ok := c.types[m.contentType]; ok {
		m.contentType = t
	} else if len(c.types) < 1024 {
		c.types[m.contentType] = m.contentType
	}
	d.files[name] = m
	if c.n > c.max {
		c.evict(dir)
	}
}

// evict drops whole directories, other than keep, until the cache is at
// three quarters of its size. Map iteration order makes the choice random.
// A dropped directory's tokens no longer match, so nothing read before the
// eviction is added after it.
func (c *metaCache) evict(keep string) {
	for dir, d := range c.dirs {
		if c.n <= c.max*3/4 {
			return
		}
		if dir != keep {
			c.n -= len(d.files)
			delete(c.dirs, dir)
		}
	}
	// One directory holds more than the cache can: drop it too.
	if c.n > c.max {
		c.n -= len(c.dirs[keep].files)
		delete(c.dirs, keep)
	}
}

// remove drops the entry of name in dir after a write.
func (c *metaCache) remove(dir, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.dirs[dir]; d != nil {
		d.gen++
		if _, ok := d.files[name]; ok {
			c.n--
			delete(d.files, name)
		}
	}
}

// removeDir drops directory dir after it was created or removed.
func (c *metaCache) removeDir(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.dirs[dir]; d != nil {
		c.n -= len(d.files)
		delete(c.dirs, dir)
	}
}
