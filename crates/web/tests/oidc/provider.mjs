// A real OpenID provider on loopback for crates/web/tests/web/oidc.rs: npm
// `oidc-provider` with one client (from CLIENT_ID, CLIENT_SECRET, REDIRECT_URI) and one
// account, crew1@crew.example in group sightline-crew. Its interaction pages are
// replaced by one that signs the account in and grants consent at once, so a test can
// follow the redirects without a browser. Prints "issuer <url>" when listening.
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

// Only the ready line goes to stdout (the test reads it); the provider's notices go to stderr.
console.log = console.info = (...args) => process.stderr.write(`${args.join(' ')}\n`);

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };

const accounts = {
  crew1: { sub: 'crew1', email: 'crew1@crew.example', email_verified: true, name: 'Crew One', groups: ['sightline-crew'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['sightline-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, id) => accounts[id] && { accountId: id, claims: () => accounts[id] },
});

// Sign crew1 in and grant what the client asked for, then resume the authorisation.
provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const grant = new provider.Grant({ accountId: 'crew1', clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
    login: { accountId: 'crew1', amr: ['pwd'] },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
  ctx.redirect(returnTo);
});

server.on('request', provider.callback());
process.stdout.write(`issuer ${issuer}\n`);
