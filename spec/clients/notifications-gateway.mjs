// notifications-gateway.mjs SERVER_URL: live updates of one resource with
// @inrupt/solid-client-notifications' WebsocketNotification and the
// library's own discovery: connect() without an endpoint reads the server
// description at /.well-known/solid, takes its solid:notificationGateway,
// negotiates the "ws" protocol there, subscribes at the endpoint it is
// given, and opens the websocket with the solid-0.2 subprotocol (Inrupt
// ESS's notification gateway; Seedpod offers it next to the Solid
// Notifications Protocol, on the same channels; CSS does not).
//
// It creates a user (creds.mjs), logs in with client credentials, connects,
// then creates the topic (PUT), changes it (PUT) and deletes it (DELETE),
// and checks that Create, Update and Delete arrive in that order, each
// with the topic as object and, for Create and Update, the new ETag as
// state.
import { Session } from '@inrupt/solid-client-authn-node';
import { WebsocketNotification } from '@inrupt/solid-client-notifications';
import { randomBytes } from 'node:crypto';
import { createCredentials } from './creds.mjs';
import { check, expectStatus, inbox, main, step } from './util.mjs';

const WAIT_MS = 10_000;

main('notifications-gateway.mjs', async (serverUrl) => {
  const user = await step('create a user (account API)', () => createCredentials(serverUrl));
  const session = await step('log in with client credentials', async () => {
    const s = new Session();
    await s.login({ clientId: user.id, clientSecret: user.secret, oidcIssuer: user.issuer });
    check(s.info.isLoggedIn, 'client credentials login did not log in');
    return s;
  });
  const topic = `${user.pod}gateway-${randomBytes(4).toString('hex')}.txt`;

  const socket = new WebsocketNotification(topic, { fetch: session.fetch });
  const received = inbox(socket);
  await step('connect: discover the gateway, negotiate, subscribe, open the websocket', () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected after ${WAIT_MS} ms`)), WAIT_MS);
    socket.on('connected', () => { clearTimeout(timer); resolve(); });
    socket.on('error', (e) => { clearTimeout(timer); reject(new Error(`websocket error: ${e?.message ?? e}`)); });
    socket.connect().catch((e) => { clearTimeout(timer); reject(e); });
  }));

  /** Waits for the next message, which must be of the given type and state, about the topic. */
  const expect = async (type, state) => {
    const msg = await received.next(WAIT_MS, `no ${type} for ${topic} within ${WAIT_MS} ms`);
    if (msg.type !== type || msg.object !== topic) {
      throw new Error(`expected ${type} of ${topic}, received ${JSON.stringify(msg)}`);
    }
    if (state !== undefined && msg.state !== state) {
      throw new Error(`${type}: state ${msg.state}, expected the ETag ${state}`);
    }
    return msg;
  };

  const put = (body) => ({ method: 'PUT', headers: { 'content-type': 'text/plain' }, body });
  await step('PUT creates the topic: a Create arrives with its ETag', async () => {
    const res = await expectStatus(session.fetch, topic, put('one'), 201);
    await expect('Create', res.headers.get('etag'));
  });
  await step('PUT changes it: an Update arrives with the new ETag', async () => {
    const res = await expectStatus(session.fetch, topic, put('two'), 204);
    await expect('Update', res.headers.get('etag'));
  });
  await step('DELETE removes it: a Delete arrives', async () => {
    await expectStatus(session.fetch, topic, { method: 'DELETE' }, 204);
    await expect('Delete');
  });
  socket.disconnect();
  await session.logout();
});
