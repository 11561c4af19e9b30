// A relying party on openid-client, driven by the console tests. It discovers Stowage, prints
// the authorization address it built (PKCE S256, state, nonce) as one JSON line, waits for the
// browser at its redirect URI, then prints one JSON line per step: the code exchange (the id
// token's signature checked against the JWKS, its issuer, audience and nonce), userinfo, a
// refresh, and the spent refresh token used again (with MODE=replay instead: the same code
// exchanged a second time, then the first refresh token). Tokens are never printed whole: the
// test gets the access token through a file only it reads.
import * as client from 'openid-client';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import readline from 'node:readline';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, PORT, SCOPE, TOKEN_FILE, MODE } = process.env;
const redirectUri = `http://127.0.0.1:${PORT}/callback`;
const say = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// The test answers "go" when it has used the access token, before the refresh steps run.
const input = readline.createInterface({ input: process.stdin });
const waiting = [];
input.on('line', () => waiting.shift()?.());
input.on('close', () => process.exit(0));
const proceed = () => new Promise((resolve) => waiting.push(resolve));

const config = await client.discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined, {
  execute: [client.allowInsecureRequests],
});
client.enableNonRepudiationChecks(config);

const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorize = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: SCOPE,
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
});

const page = (outcome) =>
  `<!DOCTYPE html><html lang="en"><head><title>Relying party</title></head><body><main><h1>${outcome}</h1></main></body></html>`;

const server = http.createServer(async (request, response) => {
  const current = new URL(request.url, redirectUri);
  if (current.pathname !== '/callback') {
    response.writeHead(404).end();
    return;
  }

  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Not signed in.'));
    say({ step: 'error', error: error.error ?? error.code ?? String(error), description: error.error_description ?? error.message });
    return;
  }

  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Signed in.'));
  const claims = tokens.claims();
  writeFileSync(TOKEN_FILE, tokens.access_token, { mode: 0o600 });
  say({ step: 'exchange', sub: claims.sub, aud: claims.aud, nonce: claims.nonce === nonce, scope: tokens.scope, hasRefresh: !!tokens.refresh_token });

  try {
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    say({ step: 'userinfo', sub: info.sub, name: info.name ?? null });
    await proceed();

    if (MODE === 'replay') {
      // The code again: refused, and (RFC 6749 §4.1.2) what it issued is revoked with it.
      const attempt = async (grant) => {
        try {
          await grant();
          return null;
        } catch (error) {
          return error.error ?? error.code ?? String(error);
        }
      };
      say({ step: 'replay', error: await attempt(() => client.authorizationCodeGrant(config, current, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce })) });
      say({ step: 'refresh', error: await attempt(() => client.refreshTokenGrant(config, tokens.refresh_token)) });
      return;
    }

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    say({ step: 'refresh', rotated: !!refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token });
    try {
      await client.refreshTokenGrant(config, tokens.refresh_token);
      say({ step: 'reuse', error: null });
    } catch (error) {
      say({ step: 'reuse', error: error.error ?? error.code ?? String(error) });
    }
  } catch (error) {
    say({ step: 'error', error: error.error ?? error.code ?? String(error), description: error.error_description ?? error.message });
  }
});

server.listen(Number(PORT), '127.0.0.1', () => say({ step: 'authorize', url: authorize.href }));
