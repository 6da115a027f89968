// notifications.mjs SERVER_URL: live updates of one resource with
// @inrupt/solid-client-notifications' WebsocketNotification, over the Solid
// Notifications Protocol's WebSocketChannel2023
// (https://solidproject.org/TR/2024/notifications-protocol-20240512).
//
// It creates a user (creds.mjs), logs in with client credentials, and:
//   - discovers the storage description from the Link header
//     rel="http://www.w3.org/ns/solid/terms#storageDescription" of the
//     topic's container, and in it (read with solid-client's
//     getSolidDataset, Turtle or JSON-LD) the subscription service whose
//     notify:channelType is notify:WebSocketChannel2023;
//   - subscribes to the (not yet existing) topic by POSTing
//     {"type": WebSocketChannel2023, "topic"} as JSON-LD with the session's
//     authenticated fetch, and takes receiveFrom from the answer;
//   - connects a WebsocketNotification to receiveFrom, then creates the
//     resource (PUT), changes it (PUT) and deletes it (DELETE), and checks
//     that Create, Update and Delete arrive in that order, each with the
//     topic as object.
// The library's own discovery (connect() without an endpoint) speaks Inrupt
// ESS's notification gateway (/.well-known/solid notificationGateway), which
// the Community Solid Server does not have (Seedpod does: spec/inrupt tests
// it); the protocol's standard discovery and subscription are done here, so
// that the same script runs on both, and the library runs the websocket and
// parses the messages.
import { Session } from '@inrupt/solid-client-authn-node';
import { getIri, getIriAll, getSolidDataset, getThingAll } from '@inrupt/solid-client';
import { WebsocketNotification } from '@inrupt/solid-client-notifications';
import { randomBytes } from 'node:crypto';
import { createCredentials } from './creds.mjs';
import { check, expectStatus, inbox, main, step } from './util.mjs';

const NOTIFY = 'http://www.w3.org/ns/solid/notifications#';
const STORAGE_DESCRIPTION = 'http://www.w3.org/ns/solid/terms#storageDescription';
const AS = 'https://www.w3.org/ns/activitystreams#';
const WAIT_MS = 10_000;

/**
 * Returns the target of the Link header with relation rel, resolved against url.
 * @param {Response} res
 * @param {string} rel
 */
function linkTarget(res, rel) {
  const header = res.headers.get('link') || '';
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rels = /rel\s*=\s*"?([^";,]+)"?/i.exec(m[2]);
    if (rels && rels[1].split(/\s+/).includes(rel)) return new URL(m[1], res.url).href;
  }
  return undefined;
}

/** Normalises an Activity Streams type ("Create", "as:Create" or the IRI) to its local name. */
function activityType(msg) {
  const t = Array.isArray(msg.type) ? msg.type[0] : msg.type;
  return String(t ?? '').replace(AS, '').replace(/^as:/, '');
}

/** Returns the IRI of a message's object, whether a string or {"id": …}. */
function objectId(msg) {
  const o = Array.isArray(msg.object) ? msg.object[0] : msg.object;
  return typeof o === 'string' ? o : o?.id ?? o?.['@id'];
}

main('notifications.mjs', async (serverUrl) => {
  const user = await step('create a user (account API)', () => createCredentials(serverUrl));
  const session = await step('log in with client credentials', async () => {
    const s = new Session();
    await s.login({ clientId: user.id, clientSecret: user.secret, oidcIssuer: user.issuer });
    check(s.info.isLoggedIn, 'client credentials login did not log in');
    return s;
  });
  const dir = `${user.pod}notify-${randomBytes(4).toString('hex')}/`;
  const topic = `${dir}topic.txt`;
  await step(`create the topic's container ${dir}`, () =>
    expectStatus(session.fetch, `${dir}keep.txt`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' }, [200, 201, 204]));

  const service = await step('discover the WebSocketChannel2023 subscription service', async () => {
    const head = await session.fetch(dir, { method: 'HEAD' });
    const desc = linkTarget(head, STORAGE_DESCRIPTION);
    check(desc, `HEAD ${dir} (${head.status}) has no Link rel="${STORAGE_DESCRIPTION}"; Link: ${head.headers.get('link')}`);
    const ds = await getSolidDataset(desc, { fetch: session.fetch });
    for (const thing of getThingAll(ds, { acceptBlankNodes: true })) {
      if (getIriAll(thing, `${NOTIFY}channelType`).includes(`${NOTIFY}WebSocketChannel2023`)) return thing.url;
    }
    const offered = getThingAll(ds, { acceptBlankNodes: true }).map((t) => `${t.url} ${getIri(t, `${NOTIFY}channelType`)}`);
    throw new Error(`storage description ${desc} lists no service with notify:channelType notify:WebSocketChannel2023 (things: ${offered.join('; ')})`);
  });

  const receiveFrom = await step(`subscribe to ${topic} at ${service}`, async () => {
    const res = await session.fetch(service, {
      method: 'POST',
      headers: { 'content-type': 'application/ld+json' },
      body: JSON.stringify({
        '@context': ['https://www.w3.org/ns/solid/notification/v1'],
        // The full IRI: CSS 7.2 rejects the context's short term (422).
        type: `${NOTIFY}WebSocketChannel2023`,
        topic,
      }),
    });
    const text = await res.text();
    check(res.ok, `POST ${service}: ${res.status}: ${text.slice(0, 300)}`);
    const channel = JSON.parse(text);
    const rf = channel.receiveFrom ?? channel[`${NOTIFY}receiveFrom`];
    const url = typeof rf === 'string' ? rf : rf?.id ?? rf?.['@id'];
    check(url && /^wss?:/.test(url), `the channel has no ws(s) receiveFrom: ${text.slice(0, 300)}`);
    return url;
  });

  const socket = new WebsocketNotification(topic, { fetch: session.fetch });
  const received = inbox(socket);
  await step('connect the WebsocketNotification to receiveFrom', () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected after ${WAIT_MS} ms`)), WAIT_MS);
    socket.on('connected', () => { clearTimeout(timer); resolve(); });
    socket.on('error', (e) => { clearTimeout(timer); reject(new Error(`websocket error: ${e?.message ?? e}`)); });
    socket.connect(receiveFrom);
  }));

  /** Waits for the next message, which must be of the given type, about the topic. */
  const expect = async (type) => {
    const msg = await received.next(WAIT_MS, `no ${type} for ${topic} within ${WAIT_MS} ms; received nothing more`);
    if (activityType(msg) !== type) {
      throw new Error(`expected ${type}, received ${JSON.stringify(msg)}`);
    }
    if (objectId(msg) !== topic) {
      throw new Error(`${type} message's object is ${objectId(msg)}, expected ${topic}: ${JSON.stringify(msg)}`);
    }
    return msg;
  };

  const put = (body) => ({ method: 'PUT', headers: { 'content-type': 'text/plain' }, body });
  await step('PUT creates the topic: a Create arrives', async () => {
    await expectStatus(session.fetch, topic, put('one'), [200, 201, 204]);
    await expect('Create');
  });
  await step('PUT changes it: an Update arrives', async () => {
    await expectStatus(session.fetch, topic, put('two'), [200, 204, 205]);
    await expect('Update');
  });
  await step('DELETE removes it: a Delete arrives', async () => {
    await expectStatus(session.fetch, topic, { method: 'DELETE' }, [200, 202, 204, 205]);
    await expect('Delete');
  });
  socket.disconnect();
  await session.logout();
});
