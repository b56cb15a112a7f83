// Auth0's Node SDK (`auth0` 7.1, from npm) through the Actions part of the Management API and the
// token endpoint of the bundled tenant, as an Auth0 user's script would. Every operation is one
// step; the JSON report on stdout says which worked ("ok") and, for the others, the SDK's error.
'use strict';
const { ManagementClient } = require('auth0');
// v7 ships the authentication client only in its legacy entry point (its README, "Authentication").
const { AuthenticationClient } = require('auth0/legacy');

const env = process.env;
const domain = env.TENANT_DOMAIN;
const report = {};

async function step(name, fn) {
  try {
    const value = await fn();
    report[name] = 'ok';
    return value;
  } catch (err) {
    const body = err && err.body ? ` ${JSON.stringify(err.body)}` : '';
    report[name] = `error: ${err && err.statusCode ? err.statusCode + ' ' : ''}${err && err.message}${body}`.slice(0, 600);
    return undefined;
  }
}

function check(condition, what) {
  if (!condition) throw new Error(`unexpected answer: ${what}`);
}

async function all(page) {
  const out = [];
  for await (const item of page) out.push(item);
  return out;
}

const CODE = env.ACTION_CODE;
const CODE_V2 = env.ACTION_CODE_V2;

(async () => {
  const mgmt = new ManagementClient({ domain, clientId: env.MGMT_CLIENT_ID, clientSecret: env.MGMT_CLIENT_SECRET });
  const auth = new AuthenticationClient({ domain, clientId: env.APP_CLIENT_ID, clientSecret: env.APP_CLIENT_SECRET });
  const name = env.ACTION_NAME;

  await step('oauth.clientCredentialsGrant', async () => {
    const { data } = await auth.oauth.clientCredentialsGrant({ audience: env.API_AUDIENCE });
    check(data.access_token && data.token_type === 'Bearer', 'a bearer token');
  });
  const triggers = await step('actions.triggers.list', async () => {
    const res = await mgmt.actions.triggers.list();
    const postLogin = res.triggers.find((t) => t.id === 'post-login');
    check(postLogin && postLogin.default_runtime === 'node22', 'post-login listed, node22 by default as on Auth0');
    check(postLogin && postLogin.runtimes.includes('python3'), 'python3 among its runtimes');
    return res.triggers;
  });
  const runtime = (triggers || []).find((t) => t.id === 'post-login')?.default_runtime || 'node22';
  check(runtime === 'node22', `node22 by default, as on Auth0 (got ${runtime})`);
  const action = await step('actions.create', async () => {
    const made = await mgmt.actions.create({
      name, supported_triggers: [{ id: 'post-login', version: 'v3' }], code: CODE, runtime: env.ACTION_RUNTIME || runtime,
      secrets: [{ name: 'API_KEY', value: 'k-1' }],
    });
    check(made.id && made.name === name, 'the created action');
    return made;
  });
  if (!action) { console.log(JSON.stringify(report)); return; }
  await step('actions.get', async () => {
    const got = await mgmt.actions.get(action.id);
    check(got.code === CODE && got.secrets[0].name === 'API_KEY' && got.secrets[0].value === undefined, 'write-only secrets');
  });
  await step('actions.list', async () => {
    const found = await all(await mgmt.actions.list({ actionName: name }));
    check(found.length === 1 && found[0].id === action.id, 'one action by name');
  });
  await step('actions.list (paged)', async () => {
    const every = await all(await mgmt.actions.list({ per_page: 1 }));
    check(every.some((a) => a.id === action.id), 'every page walked');
  });
  const v1 = await step('actions.deploy', async () => {
    const version = await mgmt.actions.deploy(action.id);
    check(version.number === 1 && version.deployed === true, 'version 1 deployed');
    return version;
  });
  await step('actions.update', async () => {
    const changed = await mgmt.actions.update(action.id, { code: CODE_V2 });
    check(changed.code === CODE_V2 && changed.all_changes_deployed === false, 'draft changed');
  });
  await step('actions.deploy (second version)', async () => {
    const version = await mgmt.actions.deploy(action.id);
    check(version.number === 2, 'version 2');
  });
  await step('actions.versions.list', async () => {
    const versions = await all(await mgmt.actions.versions.list(action.id));
    check(versions.map((v) => v.number).join(',') === '2,1', 'newest first');
  });
  await step('actions.versions.get', async () => {
    const version = await mgmt.actions.versions.get(action.id, v1.id);
    check(version.code === CODE, 'version 1 code');
  });
  await step('actions.versions.deploy (rollback)', async () => {
    const version = await mgmt.actions.versions.deploy(action.id, v1.id, { update_draft: true });
    check(version.number === 3 && version.code === CODE, 'version 1 deployed again as 3');
  });
  await step('actions.triggers.bindings.updateMany', async () => {
    const res = await mgmt.actions.triggers.bindings.updateMany('post-login', {
      bindings: [{ ref: { type: 'action_name', value: name }, display_name: name }],
    });
    check(res.bindings.length === 1, 'one binding');
  });
  await step('actions.triggers.bindings.list', async () => {
    const bindings = await all(await mgmt.actions.triggers.bindings.list('post-login'));
    check(bindings.length === 1 && bindings[0].action.name === name, 'the binding listed');
  });
  let idToken;
  await step('oauth.passwordGrant (ID token validated)', async () => {
    // The SDK checks the ID token's signature (the tenant's JWKS) and its iss against https://DOMAIN/.
    const { data } = await auth.oauth.passwordGrant({
      username: env.DEMO_EMAIL, password: env.DEMO_PASSWORD, realm: 'Username-Password-Authentication',
      scope: 'openid profile email', audience: env.API_AUDIENCE,
    });
    check(data.id_token && data.access_token, 'tokens');
    idToken = data.id_token;
  });
  report.id_token = idToken || null;
  let executionId;
  await step('logs.list', async () => {
    const logs = await all(await mgmt.logs.list({ per_page: 5, sort: 'date:-1' }));
    const login = logs.find((l) => l.type === 's');
    check(login, 'the login logged');
    executionId = login.details && login.details.actions && login.details.actions.executions[0];
  });
  await step('actions.executions.get', async () => {
    check(executionId, 'an execution id in the login log');
    const execution = await mgmt.actions.executions.get(executionId);
    check(execution.trigger_id === 'post-login' && execution.results[0].action_name === name, 'the execution');
  });
  await step('actions.test', async () => {
    const res = await mgmt.actions.test(action.id, { payload: JSON.parse(env.TEST_EVENT) });
    check(res.payload && res.payload.status === 'success', 'the draft ran');
  });
  await step('clients.list', async () => {
    const clients = await all(await mgmt.clients.list());
    check(clients.length >= 2, 'the tenant\'s applications');
  });
  await step('actions.delete (bound, refused)', async () => {
    try {
      await mgmt.actions.delete(action.id);
    } catch (err) {
      check(err.statusCode === 409, `409, got ${err.statusCode}`);
      return;
    }
    throw new Error('a bound action was deleted');
  });
  await step('actions.delete (force)', async () => {
    await mgmt.actions.delete(action.id, { force: true });
    const bindings = await all(await mgmt.actions.triggers.bindings.list('post-login'));
    check(bindings.length === 0, 'unbound');
  });
  // Custom Token Exchange's profiles, with an action of the entity-bound trigger.
  const exchange = await step('actions.create (custom-token-exchange)', async () => mgmt.actions.create({
    name: `${name}-exchange`, supported_triggers: [{ id: 'custom-token-exchange', version: 'v1' }],
    code: env.EXCHANGE_CODE, runtime, deploy: true,
  }));
  await step('actions.triggers.bindings.list (entity-bound, refused)', async () => {
    try {
      await all(await mgmt.actions.triggers.bindings.list('custom-token-exchange'));
    } catch (err) {
      check(err.statusCode === 400, `400, got ${err.statusCode}`);
      return;
    }
    throw new Error('an entity-bound trigger listed bindings');
  });
  const profile = await step('tokenExchangeProfiles.create', async () => {
    const made = await mgmt.tokenExchangeProfiles.create({
      name: 'partner', subject_token_type: 'urn:acme:partner-token', action_id: exchange.id, type: 'custom_authentication',
    });
    check(made.id && made.action_id === exchange.id, 'the profile');
    return made;
  });
  await step('tokenExchangeProfiles.list', async () => {
    const found = await all(await mgmt.tokenExchangeProfiles.list());
    check(found.some((p) => p.id === profile.id), 'the profile listed');
  });
  await step('tokenExchangeProfiles.update', async () => {
    await mgmt.tokenExchangeProfiles.update(profile.id, { name: 'partner-renamed' });
    check((await mgmt.tokenExchangeProfiles.get(profile.id)).name === 'partner-renamed', 'renamed');
  });
  await step('tokenExchangeProfiles.get', async () => {
    check((await mgmt.tokenExchangeProfiles.get(profile.id)).subject_token_type === 'urn:acme:partner-token', 'read');
  });
  await step('tokenExchangeProfiles.delete', async () => {
    await mgmt.tokenExchangeProfiles.delete(profile.id);
    await mgmt.actions.delete(exchange.id);
  });
  await step('users.listUsersByEmail + tickets.changePassword', async () => {
    const users = await mgmt.users.listUsersByEmail({ email: env.DEMO_EMAIL });
    const ticket = await mgmt.tickets.changePassword({ user_id: users[0].user_id });
    check(ticket.ticket.startsWith(`https://${domain}/u/reset-password?ticket=`), `the link, got ${ticket.ticket}`);
  });
  await step('tickets.verifyEmail', async () => {
    const users = await mgmt.users.listUsersByEmail({ email: env.DEMO_EMAIL });
    const ticket = await mgmt.tickets.verifyEmail({ user_id: users[0].user_id });
    check(ticket.ticket.startsWith(`https://${domain}/u/email-verification?ticket=`), `the link, got ${ticket.ticket}`);
  });
  console.log(JSON.stringify(report));
})().catch((err) => {
  report.fatal = String(err && err.stack);
  console.log(JSON.stringify(report));
});
