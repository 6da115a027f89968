// fetch-as.mjs: send HTTP requests as a user logged in with client
// credentials (@inrupt/solid-client-authn-node: DPoP-bound token, a fresh
// DPoP proof per request), for Go tests that script an exchange between
// servers (spec/clients_test.go, the cross-provider test).
//
// Standard input: {"issuer","id","secret","requests":[{"method","url",
// "headers","body"}]}. Standard output: one JSON array with, per request,
// {"status","headers","body"} (header names lower case). A failed login or
// network error exits 1 with the message; HTTP statuses are the caller's to
// judge.
import { Session } from '@inrupt/solid-client-authn-node';
import { text } from 'node:stream/consumers';

try {
  const input = JSON.parse(await text(process.stdin));
  const session = new Session();
  await session.login({ clientId: input.id, clientSecret: input.secret, oidcIssuer: input.issuer });
  if (!session.info.isLoggedIn) throw new Error(`client credentials login at ${input.issuer} did not log in`);
  const out = [];
  for (const r of input.requests) {
    const res = await session.fetch(r.url, { method: r.method || 'GET', headers: r.headers || {}, body: r.body });
    const headers = {};
    res.headers.forEach((v, k) => { headers[k] = v; });
    out.push({ status: res.status, headers, body: await res.text() });
  }
  console.log(JSON.stringify(out));
  process.exit(0);
} catch (err) {
  console.error(`fetch-as.mjs: ${err?.message ?? err}`);
  process.exit(1);
}
