// node-client.mjs SERVER_URL: Inrupt's Node.js libraries against a Solid
// server, as scripts and bots use them.
//
// It creates two users through the account API (creds.mjs), logs both in
// with client credentials (@inrupt/solid-client-authn-node, DPoP-bound
// tokens), checks the first user's WebID profile is public and names the
// server as solid:oidcIssuer, and with @inrupt/solid-client, as that user:
//   - writes an RDF document (saveSolidDatasetAt) and reads it back
//     (getSolidDataset), and writes and reads a text file (overwriteFile,
//     getFile);
//   - checks that the file is private: anonymous GET is 401, the second
//     user's GET is 403;
//   - grants the second user Read (universalAccess.setAgentAccess, which
//     writes a WAC ACL on a WAC server) and checks they read it, but may not
//     write it;
//   - makes it public (universalAccess.setPublicAccess) and checks an
//     anonymous GET reads it and an anonymous PUT is refused.
// It prints each step and exits 1 with a message naming the first mismatch.
import { Session } from '@inrupt/solid-client-authn-node';
import {
  buildThing, createSolidDataset, createThing, getFile, getIriAll, getSolidDataset,
  getStringNoLocale, getThing, overwriteFile, saveSolidDatasetAt, setThing,
  universalAccess,
} from '@inrupt/solid-client';
import { randomBytes } from 'node:crypto';
import { createCredentials } from './creds.mjs';
import { check, expectStatus, main, step } from './util.mjs';

const SCHEMA_TEXT = 'https://schema.org/text';

/**
 * Logs in with the client credentials of user u.
 * @param {{id: string, secret: string, issuer: string, webId: string}} u
 */
export async function login(u) {
  const session = new Session();
  await session.login({ clientId: u.id, clientSecret: u.secret, oidcIssuer: u.issuer });
  check(session.info.isLoggedIn, `client credentials login at ${u.issuer} did not log in`);
  check(session.info.webId === u.webId, `logged in as ${session.info.webId}, expected ${u.webId}`);
  return session;
}

main('node-client.mjs', async (serverUrl) => {
  const owner = await step('create user A (account API)', () => createCredentials(serverUrl));
  const friend = await step('create user B (account API)', () => createCredentials(serverUrl));
  await step('A\'s WebID profile is public and names the server as solid:oidcIssuer', async () => {
    const ds = await getSolidDataset(owner.webId, { fetch });
    const me = getThing(ds, owner.webId);
    check(me, `the profile document of ${owner.webId} does not describe it`);
    const issuers = getIriAll(me, 'http://www.w3.org/ns/solid/terms#oidcIssuer');
    check(issuers.includes(owner.issuer), `${owner.webId} solid:oidcIssuer is ${JSON.stringify(issuers)}, expected ${owner.issuer}`);
  });
  const a = await step(`log in A with client credentials as ${owner.webId}`, () => login(owner));
  const b = await step(`log in B with client credentials as ${friend.webId}`, () => login(friend));

  const dir = `${owner.pod}clients-${randomBytes(4).toString('hex')}/`;
  const docUrl = `${dir}notes.ttl`;
  const text = 'hello from solid-client 🌱';
  await step(`saveSolidDatasetAt ${docUrl}`, async () => {
    const thing = buildThing(createThing({ name: 'n1' })).addStringNoLocale(SCHEMA_TEXT, text).build();
    await saveSolidDatasetAt(docUrl, setThing(createSolidDataset(), thing), { fetch: a.fetch });
  });
  await step(`getSolidDataset ${docUrl}`, async () => {
    const ds = await getSolidDataset(docUrl, { fetch: a.fetch });
    const thing = getThing(ds, `${docUrl}#n1`);
    check(thing, `${docUrl}#n1 is not in the document read back`);
    const got = getStringNoLocale(thing, SCHEMA_TEXT);
    check(got === text, `${docUrl}#n1 schema:text is ${JSON.stringify(got)}, wrote ${JSON.stringify(text)}`);
  });

  const fileUrl = `${dir}hello.txt`;
  const content = `plain text ${randomBytes(4).toString('hex')}\n`;
  await step(`overwriteFile ${fileUrl}`, () =>
    overwriteFile(fileUrl, new Blob([content], { type: 'text/plain' }), { contentType: 'text/plain', fetch: a.fetch }));
  await step(`getFile ${fileUrl}`, async () => {
    const blob = await getFile(fileUrl, { fetch: a.fetch });
    const got = await blob.text();
    check(got === content, `getFile read ${JSON.stringify(got)}, wrote ${JSON.stringify(content)}`);
  });

  await step('anonymous GET of the private file is 401', () => expectStatus(fetch, fileUrl, {}, 401));
  await step('B\'s GET of the private file is 403', () => expectStatus(b.fetch, fileUrl, {}, 403));

  await step('universalAccess.setAgentAccess: B may read', async () => {
    const got = await universalAccess.setAgentAccess(fileUrl, friend.webId, { read: true }, { fetch: a.fetch });
    check(got && got.read === true, `setAgentAccess answered ${JSON.stringify(got)}, expected read: true`);
    const back = await universalAccess.getAgentAccess(fileUrl, friend.webId, { fetch: a.fetch });
    check(back && back.read === true && !back.write, `getAgentAccess reads back ${JSON.stringify(back)}`);
  });
  await step('B\'s GET of the shared file is 200 with its content', () =>
    expectStatus(b.fetch, fileUrl, {}, 200, content));
  await step('B\'s PUT of the shared file is 403', () =>
    expectStatus(b.fetch, fileUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'B was here' }, 403));
  await step('A still reads and writes the file', () =>
    expectStatus(a.fetch, fileUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: content }, [201, 204, 205, 200]));

  await step('universalAccess.setPublicAccess: everyone may read', async () => {
    const got = await universalAccess.setPublicAccess(fileUrl, { read: true }, { fetch: a.fetch });
    check(got && got.read === true && !got.write, `setPublicAccess answered ${JSON.stringify(got)}`);
  });
  await step('anonymous GET of the public file is 200 with its content', () =>
    expectStatus(fetch, fileUrl, {}, 200, content));
  await step('anonymous PUT of the public file is 401', () =>
    expectStatus(fetch, fileUrl, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'anon' }, 401));
  await step('the RDF document next to it is still private', () => expectStatus(fetch, docUrl, {}, 401));

  await a.logout();
  await b.logout();
});
