// browser-login.mjs SERVER_URL APP_URL [SERVER_KIND]: a person logs in to a
// Solid app in Chromium through the server's own login and consent pages.
//
// It creates a user with a pod through the account API (creds.mjs), writes
// a private text file into the pod with the user's client credentials
// (@inrupt/solid-client-authn-node) and checks that an anonymous GET of it
// is 401. Then Debian's Chromium, driven by playwright-core with a fresh
// profile, opens the test app at APP_URL (spec/clients/app/index.html,
// served on its own loopback origin by the Go test) with the issuer and the
// file's URL. The app calls @inrupt/solid-client-authn-browser's login();
// on the server's pages the script types the email and password, submits,
// approves the app on the consent page, and waits until the app, back from
// the redirect, has called handleIncomingRedirect() and fetched the file.
// It checks the app is logged in as the user's WebID and shows the file's
// content with status 200.
//
// SERVER_KIND (default "seedpod") selects the selectors of the server's
// pages from SELECTORS below, the one place that knows them.
import { Session } from '@inrupt/solid-client-authn-node';
import { chromium } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCredentials } from './creds.mjs';
import { check, expectStatus, main, step } from './util.mjs';

/**
 * The selectors of each server's login and consent pages.
 * - email, password, submit: the login form.
 * - consentReady: present once the consent page can be submitted (CSS
 *   fills its WebID choice from JavaScript), or null.
 * - webId: the WebID radio buttons of the consent page; if none is checked,
 *   the first is chosen.
 * - consent: the button approving the app.
 * Seedpod's are those of oidc/account's login.html and oidc/provider's
 * consent page (pages.go); approve/"approve" are accepted too.
 */
export const SELECTORS = {
  css: {
    email: '#email',
    password: '#password',
    submit: '#mainForm button[type=submit]',
    consentReady: 'input[name=webId]:checked',
    webId: 'input[type=radio][name=webId]',
    consent: '#authorize',
  },
  seedpod: {
    email: 'input[name=email]',
    password: 'input[name=password]',
    submit: 'form:has(input[name=password]) button:not([type=button]):not([type=reset]), form:has(input[name=password]) input[type=submit]',
    consentReady: null,
    webId: 'input[type=radio][name=webid]',
    consent: 'button[name=decision][value=allow i], button[name=approve], button[value=approve i]',
  },
};

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 15_000;

main('browser-login.mjs', async (serverUrl, appUrl, kind = 'seedpod') => {
  const sel = SELECTORS[kind];
  check(sel, `unknown SERVER_KIND ${kind}; known: ${Object.keys(SELECTORS).join(', ')}`);
  const user = await step('create a user with a pod (account API)', () => createCredentials(serverUrl));
  const resource = `${user.pod}browser-${randomBytes(4).toString('hex')}.txt`;
  const content = `private note ${randomBytes(6).toString('hex')}`;
  await step(`write the private file ${resource} with client credentials`, async () => {
    const s = new Session();
    await s.login({ clientId: user.id, clientSecret: user.secret, oidcIssuer: user.issuer });
    check(s.info.isLoggedIn, 'client credentials login did not log in');
    await expectStatus(s.fetch, resource, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: content }, [200, 201, 204]);
    await s.logout();
  });
  await step('anonymous GET of the file is 401', () => expectStatus(fetch, resource, {}, 401));

  const profile = mkdtempSync(join(tmpdir(), 'seedpod-chromium-'));
  const browser = await step('start Chromium (playwright-core, fresh profile)', () => chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  }));
  const log = [];
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.on('console', (m) => log.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) log.push(`navigated: ${f.url()}`); });
    const appOrigin = new URL(appUrl).origin;
    const onApp = (u) => new URL(u).origin === appOrigin;
    /** Explains a failure with where the page is, what it shows and what it logged. */
    const where = async (err) => {
      let text = '';
      try { text = (await page.innerText('body')).slice(0, 1500); } catch { /* page gone */ }
      return new Error(`${err.message}\n  at ${page.url()}\n  page text: ${text}\n  log:\n    ${log.slice(-30).join('\n    ')}`);
    };
    const guard = (fn) => async () => { try { return await fn(); } catch (err) { throw await where(err); } };

    const start = new URL(appUrl);
    start.searchParams.set('issuer', user.issuer);
    start.searchParams.set('resource', resource);
    await step(`open the app; login() leaves for the server's login page`, guard(async () => {
      await page.goto(start.href);
      await page.waitForURL((u) => !onApp(u));
      await page.waitForSelector(sel.email);
    }));
    await step(`log in as ${user.email} on ${new URL(page.url()).pathname}`, guard(async () => {
      await page.fill(sel.email, user.email);
      await page.fill(sel.password, user.password);
      await page.click(sel.submit);
      // Next: the consent page, or straight back to the app.
      await Promise.race([
        page.waitForSelector(sel.consent, { state: 'visible' }),
        page.waitForURL(onApp),
      ]);
    }));
    if (!onApp(page.url())) {
      await step(`approve the app on ${new URL(page.url()).pathname}`, guard(async () => {
        if (sel.consentReady) await page.waitForSelector(sel.consentReady, { state: 'attached' });
        const radios = page.locator(sel.webId);
        if (await radios.count() > 0 && await page.locator(`${sel.webId}:checked`).count() === 0) {
          await radios.first().check();
        }
        await page.click(sel.consent);
        await page.waitForURL(onApp);
      }));
    }
    const result = await step('back in the app: handleIncomingRedirect() and fetch the file', guard(async () => {
      await page.waitForSelector('body[data-state=done], body[data-state=error]');
      return page.evaluate(() => ({
        state: document.body.dataset.state,
        webId: document.body.dataset.webid,
        status: document.body.dataset.httpStatus,
        text: document.getElementById('status').textContent,
        body: document.getElementById('result').textContent,
      }));
    }));
    await step('the app is logged in as the user and shows the private file', guard(async () => {
      check(result.state === 'done', `the app failed: ${result.text}`);
      check(result.webId === user.webId, `the app is logged in as ${result.webId}, expected ${user.webId}`);
      check(result.status === '200', `the app's GET ${resource} answered ${result.status}: ${result.body.slice(0, 300)}`);
      check(result.body === content, `the app shows ${JSON.stringify(result.body.slice(0, 300))}, expected ${JSON.stringify(content)}`);
    }));
  } finally {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}, 2);
