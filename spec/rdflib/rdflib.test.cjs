// rdflib.test.cjs: rdflib.js, the RDF library of SolidOS and mashlib, edits
// a document on a running Solid server with its UpdateManager and reads it
// back with its Fetcher, once sending SPARQL Update and once N3 Patch.
//
// SEEDPOD_URL is a container on the server that anyone may write without
// logging in (loopback only); the test works in a fresh container below it
// and deletes it afterwards. spec/rdflib_test.go runs this file against
// Seedpod as part of `go test ./spec`.
//
// Which patch format rdflib sends: UpdateManager.editable() reads the
// Accept-Patch header of the response to the document's last GET, and
// rdflib 2.4.0 prefers SPARQL Update whenever that header lists
// application/sparql-update ("temporarily", until N3 Patch allows blank
// nodes in inserts); it chooses N3 Patch only when Accept-Patch lists
// text/n3 without SPARQL Update. So the N3 Patch run hands rdflib a fetch
// that shows it `Accept-Patch: text/n3`, as a server supporting only N3
// Patch would send; requests and bodies are untouched.
'use strict'

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const $rdf = require('rdflib')

const base = process.env.SEEDPOD_URL
const EX = $rdf.Namespace('http://example.org/ns#')
const XSD = $rdf.Namespace('http://www.w3.org/2001/XMLSchema#')

const initial = `@prefix ex: <http://example.org/ns#>.
<#me> ex:name "Alice"; ex:knows <#bob>; ex:address [ ex:city "Ghent" ].
<#bob> ex:name "Bob".
`

// http sends one request with the global fetch and fails on a non-2xx answer.
async function http (method, url, body, contentType) {
  const headers = contentType ? { 'Content-Type': contentType } : {}
  const res = await fetch(url, { method, headers, body })
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`)
  return res
}

// recordingFetch returns a fetch for rdflib that records each PATCH it sends
// and, if n3Only, shows rdflib an Accept-Patch of text/n3 alone.
function recordingFetch (patches, n3Only) {
  return async (url, init = {}) => {
    const res = await fetch(url, init)
    if ((init.method || 'GET').toUpperCase() === 'PATCH') {
      const h = new Headers(init.headers)
      patches.push({ url: String(url), contentType: h.get('content-type'), body: String(init.body), status: res.status })
    }
    if (!n3Only || !res.headers.has('accept-patch')) return res
    const headers = new Headers(res.headers)
    headers.set('accept-patch', 'text/n3')
    return new Proxy(res, {
      get (target, prop) {
        if (prop === 'headers') return headers
        const v = Reflect.get(target, prop, target)
        return typeof v === 'function' ? v.bind(target) : v
      }
    })
  }
}

// fetchers lists every Fetcher made, so that their cleanup timers, which
// would keep the process alive for 30 s, can be cleared at the end.
const fetchers = []

// session is a fresh rdflib store with a Fetcher and an UpdateManager.
function session (fetchFn) {
  const store = $rdf.graph()
  store.fetcher = new $rdf.Fetcher(store, { fetch: fetchFn, timeout: 10000 })
  fetchers.push(store.fetcher)
  const updater = new $rdf.UpdateManager(store)
  return { store, fetcher: store.fetcher, updater }
}

// reload reads doc into a new store, as another client would.
async function reload (doc) {
  const { store, fetcher } = session(fetch)
  await fetcher.load(doc, { force: true })
  return store
}

function values (store, s, p, doc) {
  return store.each(s, p, undefined, doc).map(o => o.termType === 'Literal'
    ? `${o.value}|${o.language || o.datatype.value}`
    : o.value).sort()
}

assert.ok(base, 'SEEDPOD_URL must name a writable container, e.g. http://127.0.0.1:3000/spec/')

describe('rdflib UpdateManager', () => {
  const container = new URL(`rdflib-${crypto.randomBytes(5).toString('hex')}/`, base).href

  before(async () => {
    await http('PUT', container, '', 'text/turtle')
  })
  after(async () => {
    for (const name of ['sparql', 'n3', 'created-sparql', 'created-n3']) {
      await fetch(container + name, { method: 'DELETE' })
    }
    await fetch(container, { method: 'DELETE' })
    for (const f of fetchers) {
      for (const timers of Object.values(f.timeouts)) timers.forEach(clearTimeout)
    }
  })

  for (const [format, n3Only, contentType] of [
    ['sparql', false, 'application/sparql-update'],
    ['n3', true, 'text/n3']
  ]) {
    test(`edits a document with ${contentType}`, async () => {
      const url = container + format
      await http('PUT', url, initial, 'text/turtle')
      const patches = []
      const { store, fetcher, updater } = session(recordingFetch(patches, n3Only))
      const doc = $rdf.sym(url)
      const me = $rdf.sym(url + '#me')
      await fetcher.load(doc)
      assert.equal(updater.editable(url, store), n3Only ? 'N3PATCH' : 'SPARQL')

      // Replace a literal and add typed and tagged ones.
      await updater.update(
        [$rdf.st(me, EX('name'), $rdf.lit('Alice'), doc)],
        [
          $rdf.st(me, EX('name'), $rdf.lit('Alice Smith', 'en'), doc),
          $rdf.st(me, EX('age'), $rdf.lit('42', undefined, XSD('integer')), doc),
          $rdf.st(me, EX('motto'), $rdf.lit('Grüße, 世界 🌱\n"quoted" line'), doc)
        ])

      // Edit the blank node: rdflib identifies it with a where clause.
      const addr = store.any(me, EX('address'), undefined, doc)
      assert.equal(addr && addr.termType, 'BlankNode')
      await updater.update(
        [$rdf.st(addr, EX('city'), $rdf.lit('Ghent'), doc)],
        [$rdf.st(addr, EX('city'), $rdf.lit('Brussels'), doc)])

      // Insert only.
      await updater.update([], [$rdf.st(me, EX('knows'), $rdf.sym(url + '#carol'), doc)])

      // Deleting what is not there fails, and changes nothing.
      await assert.rejects(updater.update([$rdf.st(me, EX('name'), $rdf.lit('Nobody'), doc)], []))
      assert.equal(patches.at(-1).status, 409, `deleting an absent triple: ${JSON.stringify(patches.at(-1))}`)

      assert.equal(patches.length, 4)
      for (const p of patches) {
        assert.equal(p.contentType, contentType, `PATCH sent as ${p.contentType}:\n${p.body}`)
      }
      assert.match(patches[1].body, n3Only ? /solid:where/ : /WHERE/, 'the blank node edit has a where clause')

      const got = await reload(doc)
      assert.deepEqual(values(got, me, EX('name'), doc), ['Alice Smith|en'])
      assert.deepEqual(values(got, me, EX('age'), doc), ['42|' + XSD('integer').value])
      assert.deepEqual(values(got, me, EX('motto'), doc), ['Grüße, 世界 🌱\n"quoted" line|' + XSD('string').value])
      assert.deepEqual(values(got, me, EX('knows'), doc), [url + '#bob', url + '#carol'])
      const addrs = got.each(me, EX('address'), undefined, doc)
      assert.equal(addrs.length, 1)
      assert.equal(addrs[0].termType, 'BlankNode')
      assert.deepEqual(values(got, addrs[0], EX('city'), doc), ['Brussels|' + XSD('string').value])
      assert.deepEqual(values(got, $rdf.sym(url + '#bob'), EX('name'), doc), ['Bob|' + XSD('string').value])
      assert.equal(got.statementsMatching(undefined, undefined, undefined, doc).length, 8)
    })

    test(`creates a missing document with ${contentType}`, async () => {
      const url = container + 'created-' + format
      const patches = []
      const { fetcher, updater } = session(recordingFetch(patches, n3Only))
      const doc = $rdf.sym(url)
      // rdflib decides how to patch from the 404's Accept-Patch.
      await assert.rejects(fetcher.load(doc))
      await updater.update([], [$rdf.st($rdf.sym(url + '#it'), EX('name'), $rdf.lit('new'), doc)])
      assert.equal(patches.length, 1)
      assert.equal(patches[0].contentType, contentType)
      assert.equal(patches[0].status, 201)
      const got = await reload(doc)
      assert.deepEqual(values(got, $rdf.sym(url + '#it'), EX('name'), doc), ['new|' + XSD('string').value])
    })
  }
})
