// @inrupt/solid-client-notifications against a running Seedpod: an app
// logged in with client credentials opens a WebsocketNotification on a
// resource in its pod and receives Create, Update and Delete as the
// resource is written and deleted.
//
// The app's authenticated fetch is made here with jose (client
// credentials grant, DPoP-bound token, a proof with ath per request,
// RFC 9449), because Inrupt's login libraries (solid-client-authn 3.x to
// 5.x) send proofs without ath, which Seedpod's verifier refuses.
//
// spec/notify_test.go (TestInruptNotificationsClient) creates the user
// and runs this with SEEDPOD_ISSUER, SEEDPOD_CLIENT_ID,
// SEEDPOD_CLIENT_SECRET and SEEDPOD_TOPIC set.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const jose = require("jose");
const { WebsocketNotification } = require("@inrupt/solid-client-notifications");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

// proof signs a DPoP proof for method and url, bound to token if given.
async function proof(key, jwk, method, url, token) {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  const claims = { htm: method, htu: u.href, jti: crypto.randomUUID() };
  if (token) {
    claims.ath = crypto.createHash("sha256").update(token).digest("base64url");
  }
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk })
    .setIssuedAt()
    .sign(key);
}

// login gets a DPoP-bound access token with the client credentials grant
// and returns a fetch that presents it.
async function login(issuer, id, secret) {
  const { privateKey, publicKey } = await jose.generateKeyPair("ES256");
  const jwk = await jose.exportJWK(publicKey);
  const config = await (await fetch(new URL(".well-known/openid-configuration", issuer))).json();
  const r = await fetch(config.token_endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: "Basic " + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64"),
      DPoP: await proof(privateKey, jwk, "POST", config.token_endpoint),
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "webid" }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, `token: ${JSON.stringify(body)}`);
  const token = body.access_token;
  return async (input, init = {}) => {
    const url = typeof input === "string" ? input : input.url ?? input.href;
    const method = (init.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers);
    headers.set("Authorization", `DPoP ${token}`);
    headers.set("DPoP", await proof(privateKey, jwk, method, url, token));
    return fetch(url, { ...init, headers });
  };
}

test("WebsocketNotification receives Create, Update and Delete", async () => {
  const topic = env("SEEDPOD_TOPIC");
  const authFetch = await login(env("SEEDPOD_ISSUER"), env("SEEDPOD_CLIENT_ID"), env("SEEDPOD_CLIENT_SECRET"));

  const socket = new WebsocketNotification(topic, { fetch: authFetch });
  const messages = [];
  let wake = () => {};
  socket.on("message", (m) => {
    messages.push(m);
    wake();
  });
  const next = (n) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`after 10 s: ${JSON.stringify(messages)}`)), 10000);
      const check = () => {
        if (messages.length >= n) {
          clearTimeout(timer);
          resolve(messages[n - 1]);
        }
      };
      wake = check;
      check();
    });
  try {
    await new Promise((resolve, reject) => {
      socket.on("connected", resolve);
      socket.on("error", reject);
      socket.connect().catch(reject);
    });
    const put = async (body) => {
      const r = await authFetch(topic, { method: "PUT", headers: { "Content-Type": "text/plain" }, body });
      assert.ok(r.ok, `PUT ${topic}: ${r.status}`);
      return r.headers.get("ETag");
    };
    const created = await put("one");
    let m = await next(1);
    assert.equal(m.type, "Create");
    assert.equal(m.object, topic);
    assert.equal(m.state, created);
    assert.ok(!Number.isNaN(Date.parse(m.published)), `published ${m.published}`);

    const updated = await put("two");
    m = await next(2);
    assert.equal(m.type, "Update");
    assert.equal(m.state, updated);

    const r = await authFetch(topic, { method: "DELETE" });
    assert.ok(r.ok, `DELETE: ${r.status}`);
    m = await next(3);
    assert.equal(m.type, "Delete");
    assert.equal(m.object, topic);
  } finally {
    socket.disconnect();
  }
});
