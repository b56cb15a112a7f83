// The node22 runtime's worker: runs ONE action version (Auth0's CommonJS model) for the studio.
//
// Started confined by runtime/node/launcher.py, with Node's permission model on. It talks over two
// inherited socket fds (numbers in ACTIONS_STUDIO_WORKER_FDS, "CTL,API"):
//   CTL (asynchronous): {"type":"run", ...} requests in; {"type":"ready"} and {"type":"result"} out.
//   API (synchronous):  each api call goes out as {"m": "accessToken.setCustomClaim", "a": [...]}
//                       and waits for {"r": value} | {"api": true} | {"e": {type, message}}. The
//                       studio runs the catalog's own recorder for it (one validation, one record
//                       format for both runtimes): an invalid argument throws at the calling line.
// Frames are a 4-byte big-endian length and UTF-8 JSON. The worker never decides the outcome:
// calls, cache and warnings of the api live on the studio's side; here are only the action's
// module, its console and its errors.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const vm = require('node:vm');
const util = require('node:util');
const path = require('node:path');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const [CTL, API] = (process.env.ACTIONS_STUDIO_WORKER_FDS || '3,4').split(',').map(Number);
delete process.env.ACTIONS_STUDIO_WORKER_FDS;
const MAX_FRAME = 64 * 1024 * 1024;

// --------------------------------------------------------------------------- synchronous api channel

function readExactSync(fd, n) {
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    let k;
    try {
      k = fs.readSync(fd, buf, got, n - got, null);
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EINTR') continue;
      throw err;
    }
    if (k === 0) throw new Error('the studio closed the api channel');
    got += k;
  }
  return buf;
}

function writeAllSync(fd, buf) {
  let sent = 0;
  while (sent < buf.length) {
    try {
      sent += fs.writeSync(fd, buf, sent, buf.length - sent);
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EINTR') continue;
      throw err;
    }
  }
}

function frame(text) {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

class ApiUsageError extends TypeError {
  constructor(message) {
    super(message);
    this.name = 'ApiUsageError';
  }
}

function apiCall(apiObject, methodPath, args) {
  let text;
  try {
    text = JSON.stringify({ m: methodPath, a: args });
  } catch (err) {
    throw new ApiUsageError(`api.${methodPath}: the arguments cannot be sent as JSON (${err.message})`);
  }
  writeAllSync(API, frame(text));
  const n = readExactSync(API, 4).readUInt32BE(0);
  if (n > MAX_FRAME) throw new Error('malformed reply on the api channel');
  const reply = JSON.parse(readExactSync(API, n).toString('utf8'));
  if (reply.e) {
    const err = reply.e.type === 'ApiUsageError' ? new ApiUsageError(reply.e.message) : new Error(reply.e.message);
    // The stack starts at the action's calling line, not inside this file.
    Error.captureStackTrace(err, apiObject.__callers[methodPath]);
    throw err;
  }
  if (reply.api) return apiObject;
  return reply.r === null ? undefined : reply.r;
}

// The api object, generated from the catalog's JavaScript view (triggers/javascript.py to_json).
function makeApi(description) {
  const api = {};
  const callers = {};
  Object.defineProperty(api, '__callers', { value: callers, enumerable: false });
  for (const ns of description.namespaces) {
    const target = {};
    for (const m of ns.methods) {
      const methodPath = `${ns.name}.${m.name}`;
      const method = { [m.name](...args) { return apiCall(api, methodPath, args); } }[m.name];
      callers[methodPath] = method;
      Object.defineProperty(target, m.name, { value: method, enumerable: true });
    }
    Object.freeze(target);
    Object.defineProperty(api, ns.name, { value: target, enumerable: true });
  }
  return Object.freeze(api);
}

// ------------------------------------------------------------------------------------ the console

const capture = { limit: 1024 * 1024 + 4096, parts: [], bytes: 0, dropped: 0, full: false };
// The console is also written through to a file in the work dir as it is captured, so the studio
// keeps the console of an action that timed out or crashed (the Python children's shared buffer).
let consoleFd = -1;
try {
  consoleFd = fs.openSync(path.join(require('node:os').tmpdir(), 'console'), 'w', 0o600);
} catch (_) { /* no work dir: the console of a killed worker is lost, the rest works */ }

function keep(text) {
  capture.parts.push(text);
  if (consoleFd >= 0) {
    const data = Buffer.from(text, 'utf8');
    try { fs.writeSync(consoleFd, data, 0, data.length, capture.bytes); } catch (_) { consoleFd = -1; }
  }
  capture.bytes += Buffer.byteLength(text, 'utf8');
}

function captureWrite(chunk) {
  const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array
    ? Buffer.from(chunk).toString('utf8') : String(chunk);
  if (capture.full) {
    capture.dropped += text.length;  // an output flood costs time, never memory
    return true;
  }
  const size = Buffer.byteLength(text, 'utf8');
  const room = capture.limit - capture.bytes;
  if (size <= room) {
    keep(text);
  } else {
    const cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
    keep(cut);
    capture.full = true;
    capture.dropped += Math.max(1, text.length - cut.length);
  }
  return true;
}

function resetCapture() {
  if (consoleFd >= 0) {
    try { fs.ftruncateSync(consoleFd, 0); } catch (_) { consoleFd = -1; }
  }
  capture.parts = [];
  capture.bytes = 0;
  capture.dropped = 0;
  capture.full = false;
}

// A Writable that stores synchronously (its callback runs at once, so nothing is ever buffered).
const { Writable } = require('node:stream');
const sink = new Writable({
  decodeStrings: false,
  write(chunk, _encoding, callback) { captureWrite(chunk); callback(); },
});
const actionConsole = new console.Console({ stdout: sink, stderr: sink, colorMode: false });
globalThis.console = actionConsole;
for (const stream of [process.stdout, process.stderr]) {
  stream.write = function write(chunk, encoding, callback) {
    captureWrite(chunk);
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };
}

// ----------------------------------------------------------------------------------------- errors

function describe(err, filename) {
  const isError = err instanceof Error || (err && typeof err === 'object' && typeof err.stack === 'string');
  let type = 'Error';
  if (isError) type = err.name || (err.constructor && err.constructor.name) || 'Error';
  else if (err !== null && err !== undefined && err.constructor && err.constructor.name) type = err.constructor.name;
  let message;
  try {
    message = isError ? String(err.message) : typeof err === 'string' ? err : util.inspect(err);
  } catch (_) {
    message = `<${type} whose message could not be read>`;
  }
  const stack = isError && typeof err.stack === 'string' ? err.stack : '';
  const marker = `${filename}:`;
  let line = null;
  let traceback = null;
  if (type === 'SyntaxError' && stack.startsWith(marker)) {
    // A compile error: "<action:NAME>:LINE\n<source line>\n   ^^^\n\nSyntaxError: ..."
    line = Number.parseInt(stack.slice(marker.length), 10) || null;
    traceback = stack;
  } else if (stack) {
    const lines = stack.split('\n');
    const head = [];
    let i = 0;
    while (i < lines.length && !/^\s+at /.test(lines[i])) head.push(lines[i++]);
    const frames = lines.slice(i).filter((l) => l.includes(marker));
    for (const f of frames) {
      const m = f.slice(f.indexOf(marker) + marker.length).match(/^(\d+):\d+/);
      if (m) { line = Number(m[1]); break; }
    }
    traceback = [...head, ...frames].join('\n') + '\n';
  } else {
    traceback = `Uncaught ${type}: ${message}\n`;
  }
  return { type, message, traceback, line };
}

// ----------------------------------------------------------------------------------- the module

const state = { loaded: false, module: null, api: null, name: '', handlers: null, dirs: [] };

const builtins = new Set(Module.builtinModules);

function makeRequire(dirs) {
  // Node's built-ins and the action's declared npm dependencies (each dir holds node_modules);
  // nothing else: no relative or absolute paths, no other node_modules.
  const bases = dirs.map((d) => Module.createRequire(path.join(d, 'node_modules', '.action.js')));
  const actionRequire = function require(id) {
    if (typeof id !== 'string' || id === '') throw new TypeError('require() takes a module name');
    if (id.startsWith('node:') || builtins.has(id)) return Module.prototype.require.call(module, id);
    if (id.startsWith('.') || path.isAbsolute(id)) {
      const err = new Error(`Cannot find module '${id}': an action is one file; require only Node's built-ins and its declared dependencies`);
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    for (const base of bases) {
      let resolved;
      try { resolved = base.resolve(id); } catch (_) { continue; }
      return base(resolved);
    }
    const err = new Error(`Cannot find module '${id}': it is not one of this action's dependencies (declare it as name@version)`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  };
  actionRequire.resolve = (id) => { throw new Error(`require.resolve is not available in an action (${id})`); };
  return actionRequire;
}

function load(init) {
  const filename = `<action:${init.name}>`;
  state.name = filename;
  state.api = init.api;
  state.dirs = init.dirs || [];
  capture.limit = init.output_bytes + 4096;  // = capture.REDACTION_SLACK
  const fn = vm.compileFunction(init.code, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename,
  });
  const mod = { exports: {} };
  state.module = mod;
  fn.call(mod.exports, mod.exports, makeRequire(state.dirs), mod, filename, '.');
  state.loaded = true;
}

async function run(request) {
  resetCapture();
  const out = { error: null, warnings: [] };
  const started = performance.now();
  let fatal = false;
  try {
    if (!state.loaded) {
      try {
        load(request.init);
      } catch (err) {
        fatal = true;  // top-level code threw: this worker is not reused (the next one throws again)
        throw err;
      }
    }
    const name = request.handler;
    const exported = state.module.exports;
    const handler = exported !== null && (typeof exported === 'object' || typeof exported === 'function')
      ? exported[name] : undefined;
    if (typeof handler !== 'function') {
      out.error = { type: 'MissingHandler', message: `no ${name}(event, api) handler is exported`, traceback: null, line: null };
    } else {
      const event = JSON.parse(request.event);
      const api = makeApi(state.api);
      const returned = await handler(event, api);
      if (returned !== undefined) {
        out.warnings.push(`${name} returned ${returned === null ? 'null' : `a ${typeof returned}`}; the return value is ignored (record effects with api methods)`);
      }
    }
  } catch (err) {
    out.error = describe(err, state.name || `<action:${request.init && request.init.name}>`);
  }
  out.duration_ms = performance.now() - started;
  const usage = process.memoryUsage();
  out.maxrss_kb = process.resourceUsage().maxRSS;
  return { type: 'result', result: out, logs: capture.parts.join(''), dropped: capture.dropped,
           rss: usage.rss, fatal };
}

// ------------------------------------------------------------------------------ the control channel

const ctl = new net.Socket({ fd: CTL, readable: true, writable: true });
let pending = Buffer.alloc(0);
let busy = Promise.resolve();

function send(obj) {
  ctl.write(frame(JSON.stringify(obj)));
}

ctl.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 4) {
    const n = pending.readUInt32BE(0);
    if (n > MAX_FRAME) process.exit(70);
    if (pending.length < 4 + n) break;
    const request = JSON.parse(pending.subarray(4, 4 + n).toString('utf8'));
    pending = pending.subarray(4 + n);
    busy = busy.then(() => run(request)).then(send, (err) => send({ type: 'result', result: {
      error: describe(err, state.name), warnings: [] }, logs: '', dropped: 0, rss: 0, fatal: true }));
  }
});
ctl.on('end', () => process.exit(0));
ctl.on('error', () => process.exit(0));
// A rejection nobody awaited must not kill the worker between executions (Node's default).
process.on('unhandledRejection', () => {});
process.on('uncaughtException', (err) => {
  // Thrown from a timer or callback the handler did not await: noted on the next result's console.
  captureWrite(`Uncaught ${describe(err, state.name).type}: ${err && err.message}\n`);
});
send({ type: 'ready', pid: process.pid });
