// creds.mjs SERVER_URL [POD_NAME]: create an account, an email+password
// login, a pod and client credentials on a Solid server through the account
// JSON API of the Community Solid Server v7 (the same sequence as the Solid
// conformance test harness's credential scripts), and print
// {"webId","pod","id","secret","email","password","issuer"} as JSON.
//
// Only the discovered controls are used: GET SERVER_URL.account/ with
// Accept: application/json answers {"controls": …}; creating an account
// answers {"authorization"}, sent back as "Authorization: CSS-Account-Token
// …", after which the controls include password.create, account.pod and
// account.clientCredentials.
//
// Other scripts import createCredentials.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/**
 * Throws with the request, status and body when a response is not 2xx.
 * @param {string} what
 * @param {Response} res
 */
async function ok(what, res) {
  if (res.ok) return res;
  const body = await res.text().catch(() => '');
  throw new Error(`${what}: ${res.status} ${res.statusText}: ${body.slice(0, 500)}`);
}

/**
 * Sends a JSON request to the account API and returns the parsed answer.
 * @param {string} what what the request is for, for error messages
 * @param {string} url
 * @param {{method?: string, token?: string, body?: object}} opts
 */
async function call(what, url, { method = 'GET', token, body } = {}) {
  if (!url) throw new Error(`${what}: the server's account controls offer no URL for it`);
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `CSS-Account-Token ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await ok(`${method} ${url} (${what})`, await fetch(url, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new Error(`${method} ${url} (${what}): answer is not JSON: ${text.slice(0, 300)}`);
  }
}

/**
 * Creates a user with a pod and client credentials on the server at
 * serverUrl (its base URL, ending in "/").
 * @param {string} serverUrl
 * @param {string} [podName] defaults to a random name
 * @returns {Promise<{webId: string, pod: string, id: string, secret: string,
 *   email: string, password: string, issuer: string}>}
 */
export async function createCredentials(serverUrl, podName) {
  const base = new URL(serverUrl).href;
  const name = podName || `u${randomBytes(5).toString('hex')}`;
  const email = `${name}@example.org`;
  const password = randomBytes(12).toString('base64url');

  const index = await call('discovery', new URL('.account/', base).href);
  const { authorization: token } = await call('create account', index.controls?.account?.create, { method: 'POST', body: {} });
  if (!token) throw new Error('creating an account answered no "authorization" token');

  const { controls } = await call('controls of the new account', new URL('.account/', base).href, { token });
  await call('password.create', controls?.password?.create, { method: 'POST', token, body: { email, password } });
  const pod = await call('account.pod', controls?.account?.pod, { method: 'POST', token, body: { name } });
  if (!pod.pod || !pod.webId) throw new Error(`creating pod ${name} answered no pod and webId: ${JSON.stringify(pod)}`);
  const cc = await call('account.clientCredentials', controls?.account?.clientCredentials,
    { method: 'POST', token, body: { name: `${name}-token`, webId: pod.webId } });
  if (!cc.id || !cc.secret) throw new Error(`client credentials answer has no id and secret: ${JSON.stringify(cc)}`);
  return { webId: pod.webId, pod: pod.pod, id: cc.id, secret: cc.secret, email, password, issuer: base };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [serverUrl, podName] = process.argv.slice(2);
  if (!serverUrl) {
    console.error('usage: node creds.mjs SERVER_URL [POD_NAME]');
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(await createCredentials(serverUrl, podName)));
  } catch (err) {
    console.error(`creds.mjs against ${serverUrl}: ${err.message}`);
    process.exit(1);
  }
}
