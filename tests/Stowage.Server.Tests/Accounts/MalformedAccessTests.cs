using System.Net;
using System.Text;
using System.Text.Json;

namespace Stowage.Server.Tests.Accounts;

/// <summary>The root, a sibling group and a root app with one assignment; the state every row must leave untouched.</summary>
public sealed class MalformedAccessFixture : AccountsFixture
{
    public const string AppName = "Malformed table app";

    public string ClientId { get; private set; } = string.Empty;

    public string AdminId { get; private set; } = string.Empty;

    public string Baseline { get; private set; } = string.Empty;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (ClientId, _) = await this.CreateAppAsync(AppName);
        (await SendAsync("PUT", $"{Api.Apps}/{ClientId}/scopes", RootToken, Api.Scopes(Api.Scope("read:store", Root.OrgId, Root.SandboxId))))
            .Expect(HttpStatusCode.NoContent);
        AdminId = (await SendAsync("GET", "/accounts/api/users/me", RootToken)).Text("id")!;
        Baseline = await SnapshotAsync();
    }

    public string Fill(string text) => text
        .Replace("{root}", Root.OrgId, StringComparison.Ordinal)
        .Replace("{sandbox}", Root.SandboxId, StringComparison.Ordinal)
        .Replace("{production}", Root.ProductionId, StringComparison.Ordinal)
        .Replace("{siblingSandbox}", Sibling.SandboxId, StringComparison.Ordinal)
        .Replace("{sibling}", Sibling.OrgId, StringComparison.Ordinal)
        .Replace("{app}", ClientId, StringComparison.Ordinal)
        .Replace("{admin}", AdminId, StringComparison.Ordinal)
        .Replace("{unknown}", "5c0ffee0-0000-4000-8000-000000000000", StringComparison.Ordinal);

    public async Task<Reply> SendAsync(AccessCase row)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), Fill(row.Path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", RootToken);
        if (row.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Fill(row.Body)));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", row.ContentType);
        }

        using var response = await Http.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Everything access management can change, as the server reports it.</summary>
    public async Task<string> SnapshotAsync()
    {
        var text = new StringBuilder();
        var audit = Api.Json(new { startDate = "2000-01-01T00:00:00Z", endDate = "2100-01-01T00:00:00Z", limit = 500 });
        foreach (var (method, path, body) in new (string, string, string?)[]
        {
            ("GET", $"{Api.Organizations}/{Root.OrgId}", null),
            ("GET", $"{Api.Organizations}/{Root.OrgId}/hierarchy", null),
            ("GET", $"{Api.Organizations}/{Sibling.OrgId}", null),
            ("GET", $"{Api.UsersOf(Root.OrgId)}?limit=500", null),
            ("GET", $"{Api.Apps}?limit=500", null),
            ("GET", $"{Api.Apps}/{ClientId}", null),
            ("GET", $"{Api.Apps}/{ClientId}/scopes", null),
            ("POST", $"/audit/v2/organizations/{Root.OrgId}/query", audit),
            ("POST", $"/audit/v2/organizations/{Sibling.OrgId}/query", audit),
        })
        {
            var reply = await SendAsync(method, path, RootToken, body);
            text.Append(method).Append(' ').Append(path).Append(" -> ").Append((int)reply.Status).Append(' ').AppendLine(reply.Body);
        }

        return text.ToString();
    }
}

public sealed class MalformedAccessTests(MalformedAccessFixture fixture) : IClassFixture<MalformedAccessFixture>
{
    public static TheoryData<string> Rows() => MalformedAccessCases.Names();

    [Fact]
    public void Table_Always_HasAtLeast120UniqueRows()
    {
        Assert.InRange(MalformedAccessCases.All.Count, 120, int.MaxValue);
        Assert.Equal(MalformedAccessCases.All.Count, MalformedAccessCases.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Request_Malformed_Rejected4xxWithMessageAndCodeAndNothingChanged(string name)
    {
        var row = MalformedAccessCases.Get(name);

        var reply = await fixture.SendAsync(row);

        Assert.True((int)reply.Status == row.Status, $"{row.Name}: expected {row.Status} {row.Code}, got {reply}");
        Assert.Equal("application/problem+json", reply.ContentType);
        using var body = JsonDocument.Parse(reply.Body);
        Assert.Equal(row.Code, body.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("message").GetString()));
        Assert.Equal(fixture.Baseline, await fixture.SnapshotAsync());
    }
}
