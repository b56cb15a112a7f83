// The edge of the world for Node clients under test: name resolution. Preloaded with
// `node --require resolve.cjs`, it makes connections to the names in
// $ACTIONS_STUDIO_TEST_RESOLVE ("tenant.test:443=127.0.0.1:8443,...") reach those loopback
// addresses instead, as an /etc/hosts entry plus a port forward would. Nothing else changes:
// TLS still checks the certificate against the original name (the servername is the name, and
// the CA comes from NODE_EXTRA_CA_CERTS), and every other name fails to connect, so a test
// cannot reach the network by accident.
'use strict';
const net = require('node:net');

const table = new Map();
for (const entry of (process.env.ACTIONS_STUDIO_TEST_RESOLVE || '').split(',').filter(Boolean)) {
  const [from, to] = entry.split('=');
  const [toHost, toPort] = to.split(':');
  table.set(from.toLowerCase(), { host: toHost, port: Number(toPort) });
}

function target(options) {
  if (!options || typeof options !== 'object' || options.path) return null;
  const host = String(options.host || 'localhost').toLowerCase();
  const port = Number(options.port);
  if (host === '127.0.0.1' || host === 'localhost' || host === '::1') return undefined;
  const found = table.get(`${host}:${port}`);
  if (!found) {
    const error = new Error(`getaddrinfo ENOTFOUND ${host} (only ${[...table.keys()].join(', ')} resolve in this test)`);
    error.code = 'ENOTFOUND';
    return error;
  }
  return found;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect()/tls.connect() pass one options object (possibly inside a normalized array).
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  const found = target(options);
  if (found instanceof Error) {
    process.nextTick(() => this.destroy(found));
    return this;
  }
  if (found) {
    const rewritten = { ...options, host: found.host, port: found.port };
    if (Array.isArray(args[0])) args[0] = [rewritten, ...args[0].slice(1)];
    else args[0] = rewritten;
  }
  return connect.apply(this, args);
};
