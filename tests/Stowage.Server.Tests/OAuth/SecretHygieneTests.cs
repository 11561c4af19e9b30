using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Stowage.Access.Audit;
using Stowage.Server.Tests.Infrastructure;
using static Stowage.Server.Tests.OAuth.OAuthTestKit;

namespace Stowage.Server.Tests.OAuth;

/// <summary>
/// A full OAuth flow with every logger at Trace (OpenIddict asked for Trace too): no client
/// secret and no token in any log line, in the audit log, or anywhere in the database files.
/// </summary>
public sealed class SecretHygieneTests
{
    [Fact]
    public async Task FullOAuthFlow_AtTraceLevel_NoSecretOrTokenInLogsAuditOrDatabase()
    {
        var sink = new CapturingLoggerProvider();
        var start = DateTimeOffset.UtcNow;
        using var factory = new TraceLoggingFactory(sink);
        var root = await factory.RootAsync();
        var app = await CreateAppAsync(factory, root.OrgId, StoreScopes(root.OrgId, root.SandboxId));
        using var http = factory.CreateClient();

        var tokens = new List<string>();
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
        {
            () => RequestTokenWithFormAsync(http, app.ClientId, app.Secret),
            () => RequestTokenWithJsonAsync(http, app.ClientId, app.Secret),
            () => RequestTokenWithBasicAsync(http, app.ClientId, app.Secret),
        })
        {
            using var response = await request();
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            tokens.Add(json.RootElement.GetProperty("access_token").GetString()!);
        }

        var wrongSecret = "Wrong-" + app.Secret[6..];
        using (await RequestTokenWithFormAsync(http, app.ClientId, wrongSecret))
        {
        }

        Assert.Equal(HttpStatusCode.OK, await ListStoresAsync(http, tokens[0], root.OrgId, root.SandboxId));
        (await IntrospectAsync(http, app, tokens[1])).Dispose();
        using (var userInfo = new HttpRequestMessage(HttpMethod.Get, "/accounts/api/v2/oauth2/userinfo"))
        {
            userInfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[2]);
            (await http.SendAsync(userInfo)).Dispose();
        }

        (await PostFormAsync(http, RevokePath, app, new Dictionary<string, string> { ["token"] = tokens[0] })).Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, await ListStoresAsync(http, tokens[0], root.OrgId, root.SandboxId));

        var userToken = await factory.LoginAsync();
        var secrets = tokens.Append(app.Secret).Append(wrongSecret).Append(userToken).Append(StowageFactory.AdminPassword).ToArray();
        Assert.NotEmpty(sink.Lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(sink.Lines, line => line.Contains(secret, StringComparison.Ordinal));

            // A JWT's signature alone identifies it: not even that part may appear.
            var signature = secret.Split('.')[^1];
            Assert.DoesNotContain(sink.Lines, line => line.Contains(signature, StringComparison.Ordinal));
        }

        var (entries, _) = await factory.Services.GetRequiredService<AuditLog>().QueryAsync(
            new AuditQuery(root.OrgId, start.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), [AuditObjectTypes.Token], null, 0, 500),
            CancellationToken.None);
        Assert.Equal(3, entries.Count(e => e.Action == AuditActions.Issue && e.ActorId == app.ClientId));
        Assert.Equal(1, entries.Count(e => e.Action == AuditActions.Refuse && e.ObjectId == app.ClientId));
        Assert.Equal(1, entries.Count(e => e.Action == AuditActions.Revoke && e.ActorId == app.ClientId));
        var auditText = string.Join('\n', entries.Select(e => e.ToString()));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, auditText, StringComparison.Ordinal));

        // The database (and its WAL) holds the secret encrypted and no token at all.
        foreach (var file in Directory.GetFiles(factory.DataDirectory, "stowage.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in secrets)
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(secret)), $"{Path.GetFileName(file)} holds a secret, token or password in plaintext");
            }
        }
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
