// The token endpoint Stowage is compared with: oidc-provider with one client_credentials
// client, as a user would run it next to an object store. Started and stopped by the
// harness: node server.mjs <port> <client_id> <client_secret>. Listens on 127.0.0.1 only.
import http from 'node:http';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  }],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
  },
  // Opaque access tokens kept in the default in-memory store: the provider's own default,
  // and its cheapest way to issue a token (no signature, no database).
});

// Plain http on loopback, like the Stowage listener it is measured against.
provider.proxy = false;

http.createServer(provider.callback()).listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
