// util.mjs: what the client scripts share — checks that fail with a clear
// message, numbered steps, and a main wrapper that turns the first failure
// into exit status 1.

/** A failed expectation about the server's behaviour. */
export class Mismatch extends Error {}

/**
 * Throws a Mismatch with msg unless cond holds.
 * @param {unknown} cond
 * @param {string} msg
 */
export function check(cond, msg) {
  if (!cond) throw new Mismatch(msg);
}

let n = 0;

/**
 * Runs one named step, printing it; a failure names the step.
 * @template T
 * @param {string} name
 * @param {() => Promise<T> | T} fn
 * @returns {Promise<T>}
 */
export async function step(name, fn) {
  n += 1;
  const start = Date.now();
  try {
    const v = await fn();
    console.log(`ok ${n} - ${name} (${Date.now() - start} ms)`);
    return v;
  } catch (err) {
    const e = new Error(`step ${n} "${name}" failed: ${err?.message ?? err}`);
    e.cause = err;
    throw e;
  }
}

/**
 * Sends a request with f (an authenticated fetch, or the global one for an
 * anonymous agent) and checks its status, and its body if body is given.
 * @param {typeof fetch} f
 * @param {string} url
 * @param {RequestInit} init
 * @param {number | number[]} want
 * @param {string} [body]
 */
export async function expectStatus(f, url, init, want, body) {
  const res = await f(url, init);
  const text = await res.text();
  const wants = Array.isArray(want) ? want : [want];
  check(wants.includes(res.status),
    `${init.method ?? 'GET'} ${url}: status ${res.status}, expected ${wants.join(' or ')}; body: ${text.slice(0, 300)}`);
  if (body !== undefined) {
    check(text === body, `${init.method ?? 'GET'} ${url}: body ${JSON.stringify(text.slice(0, 300))}, expected ${JSON.stringify(body)}`);
  }
  return res;
}

/**
 * Runs fn(...argv) as the script's main function: usage error without
 * arguments, exit 1 with the failure's message on any error, and an explicit
 * exit 0 (open sockets or timers of the libraries must not keep it alive).
 * @param {string} name the script's name
 * @param {(...args: string[]) => Promise<void>} fn
 * @param {number} [nargs] how many arguments it needs
 */
export function main(name, fn, nargs = 1) {
  const args = process.argv.slice(2);
  if (args.length < nargs) {
    console.error(`usage: node ${name} ${'ARG '.repeat(nargs).trim()} (see the comment at the top of ${name})`);
    process.exit(2);
  }
  fn(...args).then(() => {
    console.log(`${name}: all ${n} steps passed`);
    process.exit(0);
  }, (err) => {
    console.error(`${name}: FAIL: ${err?.message ?? err}`);
    if (process.env.CLIENTS_DEBUG && err?.stack) console.error(err.stack);
    process.exit(1);
  });
}

/**
 * Collects the messages socket emits, in order. next(ms, timeoutMessage)
 * resolves with the next one, waiting at most ms for it.
 * @param {{ on(event: 'message', fn: (msg: any) => void): unknown }} socket
 */
export function inbox(socket) {
  const messages = [];
  let wake = () => {};
  socket.on('message', (msg) => {
    messages.push(msg);
    wake();
  });
  return {
    next: (ms, timeoutMessage) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        wake = () => {};
        reject(new Error(timeoutMessage));
      }, ms);
      const look = () => {
        if (messages.length === 0) return;
        clearTimeout(timer);
        wake = () => {};
        resolve(messages.shift());
      };
      wake = look;
      look();
    }),
  };
}
