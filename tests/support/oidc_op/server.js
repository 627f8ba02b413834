// A real OpenID provider on loopback for the e-legitimation tests and the README demo: the
// certified `oidc-provider`, authorization code flow with PKCE required, with its own login
// page standing in for BankID/Freja. Test accounts carry `personalIdentityNumber` as Swedish
// brokers name the claim.
//
//   node server.js --port 5311 [--redirect-uri http://127.0.0.1:5000/auth/oidc/callback]
//                  [--account login:password:personnummer:Full Name] ...
//
// Prints "OIDC OP ready <issuer>" on stdout when it listens (the test fixture waits for it).
import crypto from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5311' },
    host: { type: 'string', default: '127.0.0.1' },
    'redirect-uri': { type: 'string', multiple: true },
    'client-id': { type: 'string', default: 'helpdesk' },
    'client-secret': { type: 'string', default: 'op-test-secret' },
    account: { type: 'string', multiple: true },
  },
});

const port = Number(values.port);
const issuer = `http://${values.host}:${port}`;
const redirectUris = values['redirect-uri'] ?? ['http://127.0.0.1:5000/auth/oidc/callback'];

// The demo guardian Emma Lindgren (helpdesk/demo.py) and a person who is nobody's guardian.
const accounts = new Map();
for (const spec of values.account ?? [
  'emma:demo:198205175352:Emma Lindgren',
  'ingen:demo:197001019871:Nils Ingen',
]) {
  const [login, password, pnr, name] = spec.split(':');
  accounts.set(login, { login, password, pnr, name: name || login });
}

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
}

const client = (clientId, secret) => ({
  client_id: clientId,
  client_secret: secret,
  redirect_uris: redirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  // A second client lets the tests obtain a genuine ID token meant for someone else.
  clients: [client(values['client-id'], values['client-secret']), client('other-client', 'other-secret')],
  jwks: { keys: [signingKey()] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['name', 'personalIdentityNumber'],
    'https://id.oidc.se/scope/naturalPersonNumber': ['personalIdentityNumber'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = accounts.get(id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id, name: account.name };
        if (account.pnr) claims.personalIdentityNumber = account.pnr;
        return claims;
      },
    };
  },
});
provider.proxy = false;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test-e-legitimation</title></head>
<body><main>${body}</main></body></html>`);
}

function loginForm(res, uid, message = '') {
  page(res, message ? 400 : 200, `<h1>Test-e-legitimation (BankID/Freja)</h1>
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="login">Användare</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Lösenord</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Legitimera</button></p>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Avbryt</button></form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// Consent is given at once: the relying party is the only client people log in to here.
async function grantConsent(details) {
  const { prompt: { details: missing }, params, session } = details;
  let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  if (!grant) grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return { consent: { grantId: await grant.save() } };
}

const callback = provider.callback();

const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/(login|abort))?$/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    const action = match[3];
    if (req.method === 'GET' && !action) {
      if (details.prompt.name === 'consent') {
        return await provider.interactionFinished(req, res, await grantConsent(details), { mergeWithLastSubmission: true });
      }
      return loginForm(res, details.uid);
    }
    if (req.method === 'POST' && action === 'abort') {
      return await provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'The person cancelled the login.',
      }, { mergeWithLastSubmission: false });
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const account = accounts.get(form.get('login') || '');
      if (!account || account.password !== form.get('password')) {
        return loginForm(res, details.uid, 'Fel användare eller lösenord.');
      }
      return await provider.interactionFinished(req, res, { login: { accountId: account.login } },
        { mergeWithLastSubmission: false });
    }
    return page(res, 405, '<p>Method not allowed</p>');
  } catch (err) {
    return page(res, 400, `<p>${escape(err.message)}</p>`);
  }
});

server.listen(port, values.host, () => {
  process.stdout.write(`OIDC OP ready ${issuer}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
