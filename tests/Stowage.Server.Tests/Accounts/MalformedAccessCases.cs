namespace Stowage.Server.Tests.Accounts;

/// <summary>
/// One malformed access-management request and the exact 4xx it must get. Paths and bodies
/// hold placeholders filled by <see cref="MalformedAccessFixture"/>: {root}, {sandbox},
/// {production} (the root's), {sibling}, {siblingSandbox}, {app} (a root app's client id),
/// {admin} (the bootstrap administrator's id), {unknown} (a UUID nobody uses).
/// </summary>
public sealed record AccessCase(string Name, string Method, string Path, string? Body, int Status, string Code)
{
    public string ContentType { get; init; } = "application/json";

    public override string ToString() => Name;
}

public static class MalformedAccessCases
{
    public const string Orgs = "/accounts/api/organizations";
    public const string Root = Orgs + "/{root}";
    public const string Envs = Root + "/environments";
    public const string Sandbox = Envs + "/{sandbox}";
    public const string Users = Root + "/users";
    public const string Apps = "/accounts/api/connectedApplications";
    public const string OrgApps = Root + "/connectedApplications";
    public const string App = Apps + "/{app}";
    public const string OrgApp = OrgApps + "/{app}";
    public const string Scopes = App + "/scopes";
    public const string OrgScopes = OrgApp + "/scopes";
    public const string Audit = "/audit/v2/organizations/{root}/query";

    private const string Bad = "INVALID_REQUEST";
    private const string Name = "INVALID_NAME";
    private const string Json = "MALFORMED_JSON";
    private const string Query = "INVALID_QUERY_PARAMETER";
    private const string Scope = "INVALID_SCOPE";

    private static readonly string Long256 = new('n', 256);
    private static readonly Lazy<IReadOnlyList<AccessCase>> AllCases = new(Build);

    public static IReadOnlyList<AccessCase> All => AllCases.Value;

    public static AccessCase Get(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var row in All)
        {
            data.Add(row.Name);
        }

        return data;
    }

    private static List<AccessCase> Build()
    {
        var rows = new List<AccessCase>();
        void Add(string name, string method, string path, string? body, int status, string code) =>
            rows.Add(new AccessCase(name, method, path, body, status, code));

        // Bodies that are not a JSON object, for every endpoint that takes one.
        var writes = new (string Name, string Method, string Path)[]
        {
            ("create org", "POST", Orgs), ("rename org", "PUT", Root), ("create env", "POST", Envs), ("rename env", "PUT", Sandbox),
            ("create user", "POST", Users), ("create app", "POST", Apps), ("create org app", "POST", OrgApps), ("patch app", "PATCH", App),
            ("put scopes", "PUT", Scopes), ("patch scopes", "PATCH", Scopes), ("delete scopes", "DELETE", Scopes), ("audit", "POST", Audit),
        };
        foreach (var (name, method, path) in writes)
        {
            Add($"{name}: truncated JSON", method, path, """{"name":""", 400, Json);
            Add($"{name}: duplicate member", method, path, """{"name":"a","name":"b"}""", 400, Json);
            Add($"{name}: array body", method, path, "[]", 400, Bad);
            Add($"{name}: string body", method, path, "\"text\"", 400, Bad);
            rows.Add(new AccessCase($"{name}: text/plain", method, path, "{}", 415, "UNSUPPORTED_MEDIA_TYPE") { ContentType = "text/plain" });
        }

        foreach (var (name, method, path) in writes.Where(w => w.Method != "PATCH" || w.Path != App))
        {
            Add($"{name}: empty body", method, path, null, 400, Bad);
        }

        // Business groups.
        Add("create org: name missing", "POST", Orgs, """{"parentOrganizationId":"{root}"}""", 400, Bad);
        Add("create org: name null", "POST", Orgs, """{"name":null,"parentOrganizationId":"{root}"}""", 400, Bad);
        Add("create org: name number", "POST", Orgs, """{"name":5,"parentOrganizationId":"{root}"}""", 400, Bad);
        Add("create org: name empty", "POST", Orgs, """{"name":"","parentOrganizationId":"{root}"}""", 400, Name);
        Add("create org: name blank", "POST", Orgs, """{"name":"   ","parentOrganizationId":"{root}"}""", 400, Name);
        Add("create org: name 256 characters", "POST", Orgs, $$"""{"name":"{{Long256}}","parentOrganizationId":"{root}"}""", 400, Name);
        Add("create org: name control character", "POST", Orgs, """{"name":"a\u0007b","parentOrganizationId":"{root}"}""", 400, Name);
        Add("create org: name lone surrogate", "POST", Orgs, """{"name":"a\uD800","parentOrganizationId":"{root}"}""", 400, Bad);
        Add("create org: parent missing", "POST", Orgs, """{"name":"x"}""", 400, Bad);
        Add("create org: parent number", "POST", Orgs, """{"name":"x","parentOrganizationId":7}""", 400, Bad);
        Add("create org: parent too long", "POST", Orgs, $$"""{"name":"x","parentOrganizationId":"{{new string('a', 200)}}"}""", 400, "INVALID_ID");
        Add("create org: parent unknown", "POST", Orgs, """{"name":"x","parentOrganizationId":"{unknown}"}""", 403, "FORBIDDEN");
        Add("create org: owner unknown", "POST", Orgs, """{"name":"x","parentOrganizationId":"{root}","ownerId":"{unknown}"}""", 400, Bad);
        Add("create org: owner object", "POST", Orgs, """{"name":"x","parentOrganizationId":"{root}","ownerId":{}}""", 400, Bad);
        Add("rename org: name missing", "PUT", Root, """{}""", 400, Bad);
        Add("rename org: name array", "PUT", Root, """{"name":["x"]}""", 400, Bad);
        Add("rename org: name 256 characters", "PUT", Root, $$"""{"name":"{{Long256}}"}""", 400, Name);
        Add("rename org: move to another parent", "PUT", Root, """{"name":"x","parentOrganizationId":"{sibling}"}""", 400, Bad);
        Add("rename org: unknown org", "PUT", Orgs + "/{unknown}", """{"name":"x"}""", 403, "FORBIDDEN");
        Add("get org: unknown org", "GET", Orgs + "/{unknown}", null, 403, "FORBIDDEN");
        Add("get org: id with spaces", "GET", Orgs + "/not%20an%20id", null, 403, "FORBIDDEN");
        Add("hierarchy: unknown org", "GET", Orgs + "/{unknown}/hierarchy", null, 403, "FORBIDDEN");
        Add("delete org: unknown org", "DELETE", Orgs + "/{unknown}", null, 403, "FORBIDDEN");
        Add("delete org: root", "DELETE", Root, null, 409, "ROOT_ORGANIZATION_PROTECTED");

        // Environments.
        Add("create env: name missing", "POST", Envs, """{"type":"sandbox"}""", 400, Bad);
        Add("create env: type missing", "POST", Envs, """{"name":"x"}""", 400, Bad);
        Add("create env: type unknown", "POST", Envs, """{"name":"x","type":"qa"}""", 400, Bad);
        Add("create env: type capitalised", "POST", Envs, """{"name":"x","type":"Sandbox"}""", 400, Bad);
        Add("create env: type number", "POST", Envs, """{"name":"x","type":1}""", 400, Bad);
        Add("create env: name 256 characters", "POST", Envs, $$"""{"name":"{{Long256}}","type":"sandbox"}""", 400, Name);
        Add("create env: name blank", "POST", Envs, """{"name":" ","type":"sandbox"}""", 400, Name);
        Add("create env: isProduction string", "POST", Envs, """{"name":"x","type":"sandbox","isProduction":"no"}""", 400, Bad);
        Add("create env: isProduction disagrees", "POST", Envs, """{"name":"x","type":"sandbox","isProduction":true}""", 400, Bad);
        Add("create env: organizationId other org", "POST", Envs, """{"name":"x","type":"sandbox","organizationId":"{sibling}"}""", 400, Bad);
        Add("create env: organizationId number", "POST", Envs, """{"name":"x","type":"sandbox","organizationId":1}""", 400, Bad);
        Add("create env: name taken", "POST", Envs, """{"name":"SANDBOX","type":"sandbox"}""", 409, "NAME_TAKEN");
        Add("create env: unknown org", "POST", Orgs + "/{unknown}/environments", """{"name":"x","type":"sandbox"}""", 403, "FORBIDDEN");
        Add("rename env: name missing", "PUT", Sandbox, """{"type":"sandbox"}""", 400, Bad);
        Add("rename env: name number", "PUT", Sandbox, """{"name":1}""", 400, Bad);
        Add("rename env: type change", "PUT", Sandbox, """{"name":"x","type":"production"}""", 400, Bad);
        Add("rename env: name taken", "PUT", Sandbox, """{"name":"production"}""", 409, "NAME_TAKEN");
        Add("rename env: unknown env", "PUT", Envs + "/{unknown}", """{"name":"x"}""", 404, "ENVIRONMENT_NOT_FOUND");
        Add("rename env: env of another org", "PUT", Envs + "/{siblingSandbox}", """{"name":"x"}""", 404, "ENVIRONMENT_NOT_FOUND");
        Add("delete env: unknown env", "DELETE", Envs + "/{unknown}", null, 404, "ENVIRONMENT_NOT_FOUND");
        Add("delete env: env of another org", "DELETE", Envs + "/{siblingSandbox}", null, 404, "ENVIRONMENT_NOT_FOUND");
        Add("get env: unknown env", "GET", Envs + "/{unknown}", null, 404, "ENVIRONMENT_NOT_FOUND");
        Add("list envs: offset negative", "GET", Envs + "?offset=-1", null, 400, Query);
        Add("list envs: offset not a number", "GET", Envs + "?offset=abc", null, 400, Query);
        Add("list envs: limit zero", "GET", Envs + "?limit=0", null, 400, Query);
        Add("list envs: limit too large", "GET", Envs + "?limit=151", null, 400, Query);
        Add("list envs: limit twice", "GET", Envs + "?limit=1&limit=2", null, 400, Query);
        Add("list envs: limit fraction", "GET", Envs + "?limit=1.5", null, 400, Query);

        // Users.
        Add("create user: username missing", "POST", Users, """{"password":"long-enough-password"}""", 400, Bad);
        Add("create user: username number", "POST", Users, """{"username":12345}""", 400, Bad);
        Add("create user: username too short", "POST", Users, """{"username":"ab"}""", 400, Name);
        Add("create user: username with space", "POST", Users, """{"username":"jane doe"}""", 400, Name);
        Add("create user: username 129 characters", "POST", Users, $$"""{"username":"{{new string('u', 129)}}"}""", 400, Name);
        Add("create user: username taken", "POST", Users, """{"username":"Admin"}""", 409, "NAME_TAKEN");
        Add("create user: password 11 characters", "POST", Users, """{"username":"new.user","password":"elevenchars"}""", 400, "WEAK_PASSWORD");
        Add("create user: password 1025 characters", "POST", Users, $$"""{"username":"new.user","password":"{{new string('p', 1025)}}"}""", 400, "WEAK_PASSWORD");
        Add("create user: password number", "POST", Users, """{"username":"new.user","password":123456789012}""", 400, Bad);
        Add("create user: email without at", "POST", Users, """{"username":"new.user","email":"not-an-address"}""", 400, Bad);
        Add("create user: email number", "POST", Users, """{"username":"new.user","email":1}""", 400, Bad);
        Add("create user: firstName 256 characters", "POST", Users, $$"""{"username":"new.user","firstName":"{{Long256}}"}""", 400, Bad);
        Add("create user: lastName control character", "POST", Users, """{"username":"new.user","lastName":"a\u0000b"}""", 400, Bad);
        Add("create user: adminOf string", "POST", Users, """{"username":"new.user","adminOf":"{root}"}""", 400, Bad);
        Add("create user: adminOf empty", "POST", Users, """{"username":"new.user","adminOf":[]}""", 400, Bad);
        Add("create user: adminOf numbers", "POST", Users, """{"username":"new.user","adminOf":[1]}""", 400, Bad);
        Add("create user: adminOf unknown org", "POST", Users, """{"username":"new.user","adminOf":["{unknown}"]}""", 400, Bad);
        Add("create user: adminOf 101 items", "POST", Users, $$"""{"username":"new.user","adminOf":[{{string.Join(',', Enumerable.Repeat("\"{root}\"", 101))}}]}""", 400, Bad);
        Add("create user: unknown org", "POST", Orgs + "/{unknown}/users", """{"username":"new.user"}""", 403, "FORBIDDEN");
        Add("list users: limit 501", "GET", Users + "?limit=501", null, 400, Query);
        Add("list users: offset letters", "GET", Users + "?offset=x", null, 400, Query);
        Add("delete user: unknown user", "DELETE", Users + "/{unknown}", null, 404, "USER_NOT_FOUND");
        Add("delete user: self", "DELETE", Users + "/{admin}", null, 409, "CANNOT_DELETE_SELF");

        // Connected apps.
        foreach (var (label, path) in new[] { ("create app", Apps), ("create org app", OrgApps) })
        {
            Add($"{label}: client_name missing", "POST", path, """{"grant_types":["client_credentials"]}""", 400, Bad);
            Add($"{label}: grant_types missing", "POST", path, """{"client_name":"x"}""", 400, Bad);
            Add($"{label}: grant_types empty", "POST", path, """{"client_name":"x","grant_types":[]}""", 400, Bad);
            Add($"{label}: grant_types string", "POST", path, """{"client_name":"x","grant_types":"client_credentials"}""", 400, Bad);
            Add($"{label}: grant type unknown", "POST", path, """{"client_name":"x","grant_types":["implicit"]}""", 400, Bad);
        }

        Add("create app: grant_types numbers", "POST", Apps, """{"client_name":"x","grant_types":[1]}""", 400, Bad);
        Add("create app: both kinds", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials","password"]}""", 400, Bad);
        Add("create app: client_name empty", "POST", Apps, """{"client_name":"","grant_types":["client_credentials"]}""", 400, Name);
        Add("create app: client_name 256 characters", "POST", Apps, $$"""{"client_name":"{{Long256}}","grant_types":["client_credentials"]}""", 400, Name);
        Add("create app: client_name number", "POST", Apps, """{"client_name":1,"grant_types":["client_credentials"]}""", 400, Bad);
        Add("create app: client_name taken", "POST", Apps, """{"client_name":"MALFORMED TABLE APP","grant_types":["client_credentials"]}""", 409, "NAME_TAKEN");
        Add("create app: audience unknown", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials"],"audience":"public"}""", 400, Bad);
        Add("create app: audience number", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials"],"audience":1}""", 400, Bad);
        Add("create app: enabled string", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials"],"enabled":"true"}""", 400, Bad);
        Add("create app: redirect uri relative", "POST", Apps, """{"client_name":"x","grant_types":["authorization_code"],"redirect_uris":["/callback"]}""", 400, Bad);
        Add("create app: redirect_uris string", "POST", Apps, """{"client_name":"x","grant_types":["authorization_code"],"redirect_uris":"https://a.test"}""", 400, Bad);
        Add("create app: 51 redirect uris", "POST", Apps, $$"""{"client_name":"x","grant_types":["authorization_code"],"redirect_uris":[{{string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"https://a.test/{i}\""))}}]}""", 400, Bad);
        Add("create app: plain scope unknown", "POST", Apps, """{"client_name":"x","grant_types":["password"],"scopes":["everything"]}""", 400, Scope);
        Add("create app: plain scope number", "POST", Apps, """{"client_name":"x","grant_types":["password"],"scopes":[1]}""", 400, Bad);
        Add("create app: public key not PEM", "POST", Apps, """{"client_name":"x","grant_types":["urn:ietf:params:oauth:grant-type:jwt-bearer"],"public_keys":["ssh-rsa AAAA"]}""", 400, Bad);
        Add("create app: client_uri relative", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials"],"client_uri":"home/page"}""", 400, Bad);
        foreach (var (label, uri) in new[]
        {
            ("javascript", "javascript:alert(document.cookie)"), ("javascript with slashes", "javascript://example.test/%0Aalert(1)"),
            ("data", "data:text/html,<script>alert(1)</script>"), ("file", "file:///etc/passwd"), ("vbscript", "vbscript:msgbox(1)"),
            ("plain http to another host", "http://example.test/cb"), ("ftp", "ftp://example.test/cb"), ("user info", "https://user:pass@example.test/cb"),
            ("mixed-case javascript", "JaVaScRiPt:alert(1)"), ("http on a loopback look-alike", "http://127.0.0.1.example.test/cb"),
        })
        {
            Add($"create app: redirect uri {label}", "POST", Apps, Api.Json(new { client_name = "x", grant_types = new[] { "authorization_code" }, redirect_uris = new[] { uri } }), 400, Bad);
            Add($"create app: client_uri {label}", "POST", Apps, Api.Json(new { client_name = "x", grant_types = new[] { "client_credentials" }, client_uri = uri }), 400, Bad);
            Add($"patch app: redirect uri {label}", "PATCH", Apps + "/{app}", Api.Json(new { redirect_uris = new[] { uri } }), 400, Bad);
            Add($"patch app: client_uri {label}", "PATCH", Apps + "/{app}", Api.Json(new { client_uri = uri }), 400, Bad);
        }

        Add("create app: redirect uri with a fragment", "POST", Apps, """{"client_name":"x","grant_types":["authorization_code"],"redirect_uris":["https://a.test/cb#top"]}""", 400, Bad);
        Add("create app: secret 31 characters", "POST", Apps, $$"""{"client_name":"x","grant_types":["client_credentials"],"client_secret":"{{new string('s', 31)}}"}""", 400, "WEAK_CLIENT_SECRET");
        Add("create app: secret 257 characters", "POST", Apps, $$"""{"client_name":"x","grant_types":["client_credentials"],"client_secret":"{{new string('s', 257)}}"}""", 400, "WEAK_CLIENT_SECRET");
        Add("create app: secret control character", "POST", Apps, $$"""{"client_name":"x","grant_types":["client_credentials"],"client_secret":"{{new string('s', 32)}}\u0001"}""", 400, "WEAK_CLIENT_SECRET");
        Add("create app: secret number", "POST", Apps, """{"client_name":"x","grant_types":["client_credentials"],"client_secret":12345678901234567890123456789012}""", 400, Bad);
        Add("create org app: unknown org", "POST", Orgs + "/{unknown}/connectedApplications", """{"client_name":"x","grant_types":["client_credentials"]}""", 403, "FORBIDDEN");
        Add("list apps: limit zero", "GET", Apps + "?limit=0", null, 400, Query);
        Add("list apps: limit 501", "GET", Apps + "?limit=501", null, 400, Query);
        Add("list apps: offset negative", "GET", Apps + "?offset=-5", null, 400, Query);
        Add("list apps: search twice", "GET", Apps + "?search=a&search=b", null, 400, Query);
        Add("list apps: orgId twice", "GET", Apps + "?orgId={root}&orgId={root}", null, 400, Query);
        Add("list apps: search 256 characters", "GET", Apps + "?search=" + Long256, null, 400, Query);
        Add("list apps: orgId unknown", "GET", Apps + "?orgId={unknown}", null, 403, "FORBIDDEN");
        Add("list org apps: orgId of another org", "GET", OrgApps + "?orgId={sibling}", null, 400, Query);
        Add("get app: unknown", "GET", Apps + "/{unknown}", null, 404, "CONNECTED_APP_NOT_FOUND");
        Add("get app: very long id", "GET", Apps + "/" + new string('f', 300), null, 404, "CONNECTED_APP_NOT_FOUND");
        Add("get org app: unknown", "GET", OrgApps + "/0123456789abcdef0123456789abcdef", null, 404, "CONNECTED_APP_NOT_FOUND");
        Add("get org app: app of another org", "GET", Orgs + "/{sibling}/connectedApplications/{app}", null, 404, "CONNECTED_APP_NOT_FOUND");
        Add("patch app: resetSecret yes", "PATCH", App + "?resetSecret=yes", null, 400, Query);
        Add("patch app: resetSecret twice", "PATCH", App + "?resetSecret=true&resetSecret=true", null, 400, Query);
        Add("patch app: reset and chosen secret", "PATCH", App + "?resetSecret=true", $$"""{"client_secret":"{{new string('s', 40)}}"}""", 400, Bad);
        Add("patch app: enabled string", "PATCH", App, """{"enabled":"no"}""", 400, Bad);
        Add("patch app: client_name empty", "PATCH", App, """{"client_name":""}""", 400, Name);
        Add("patch app: grant_types empty", "PATCH", App, """{"grant_types":[]}""", 400, Bad);
        Add("patch app: audience unknown", "PATCH", App, """{"audience":"all"}""", 400, Bad);
        Add("patch app: secret short", "PATCH", App, """{"client_secret":"short"}""", 400, "WEAK_CLIENT_SECRET");
        Add("patch org app: scopes object", "PATCH", OrgApp, """{"scopes":{}}""", 400, Bad);
        Add("patch app: unknown app", "PATCH", Apps + "/{unknown}", """{"enabled":false}""", 404, "CONNECTED_APP_NOT_FOUND");
        Add("delete app: unknown app", "DELETE", Apps + "/{unknown}", null, 404, "CONNECTED_APP_NOT_FOUND");
        Add("delete org app: app of another org", "DELETE", Orgs + "/{sibling}/connectedApplications/{app}", null, 404, "CONNECTED_APP_NOT_FOUND");

        // Scope assignments.
        var assign = new (string Label, string Method, string Path)[] { ("put scopes", "PUT", Scopes), ("patch org scopes", "PATCH", OrgScopes), ("delete scopes", "DELETE", Scopes) };
        foreach (var (label, method, path) in assign)
        {
            Add($"{label}: scopes missing", method, path, "{}", 400, Bad);
            Add($"{label}: scopes object", method, path, """{"scopes":{}}""", 400, Bad);
            Add($"{label}: entry number", method, path, """{"scopes":[1]}""", 400, Bad);
            Add($"{label}: unknown scope", method, path, """{"scopes":[{"scope":"manage:everything","context_params":{"org":"{root}"}}]}""", 400, Scope);
            Add($"{label}: env of another org", method, path, """{"scopes":[{"scope":"read:store","context_params":{"org":"{root}","envId":"{siblingSandbox}"}}]}""", 400, Scope);
        }

        Add("put scopes: scope missing", "PUT", Scopes, """{"scopes":[{"context_params":{}}]}""", 400, Bad);
        Add("put scopes: scope number", "PUT", Scopes, """{"scopes":[{"scope":1}]}""", 400, Bad);
        Add("put scopes: scope empty", "PUT", Scopes, """{"scopes":[{"scope":""}]}""", 400, Scope);
        Add("put scopes: scope upper case", "PUT", Scopes, """{"scopes":[{"scope":"READ:STORE","context_params":{"org":"{root}","envId":"{sandbox}"}}]}""", 400, Scope);
        Add("put scopes: object store v1 only scope", "PUT", Scopes, """{"scopes":[{"scope":"Manage store clients","context_params":{"org":"{root}","envId":"{sandbox}"}}]}""", 400, Scope);
        Add("put scopes: env scope without envId", "PUT", Scopes, """{"scopes":[{"scope":"manage:store","context_params":{"org":"{root}"}}]}""", 400, Scope);
        Add("put scopes: env scope without context", "PUT", Scopes, """{"scopes":[{"scope":"manage:store_data"}]}""", 400, Scope);
        Add("put scopes: env scope without org", "PUT", Scopes, """{"scopes":[{"scope":"read:store","context_params":{"envId":"{sandbox}"}}]}""", 400, Scope);
        Add("put scopes: unknown env", "PUT", Scopes, """{"scopes":[{"scope":"read:store","context_params":{"org":"{root}","envId":"{unknown}"}}]}""", 400, Scope);
        Add("put scopes: unknown org", "PUT", Scopes, """{"scopes":[{"scope":"read:store","context_params":{"org":"{unknown}","envId":"{sandbox}"}}]}""", 400, Scope);
        Add("put scopes: org scope with envId", "PUT", Scopes, """{"scopes":[{"scope":"admin:cloudhub","context_params":{"org":"{root}","envId":"{sandbox}"}}]}""", 400, Scope);
        Add("put scopes: org scope without org", "PUT", Scopes, """{"scopes":[{"scope":"read:organization","context_params":{}}]}""", 400, Scope);
        Add("put scopes: identity scope with org", "PUT", Scopes, """{"scopes":[{"scope":"openid","context_params":{"org":"{root}"}}]}""", 400, Scope);
        Add("put scopes: context_params string", "PUT", Scopes, """{"scopes":[{"scope":"openid","context_params":"{}"}]}""", 400, Bad);
        Add("put scopes: org number", "PUT", Scopes, """{"scopes":[{"scope":"admin:cloudhub","context_params":{"org":1}}]}""", 400, Bad);
        Add("put scopes: envId array", "PUT", Scopes, """{"scopes":[{"scope":"read:store","context_params":{"org":"{root}","envId":["{sandbox}"]}}]}""", 400, Bad);
        Add("put scopes: envId too long", "PUT", Scopes, """{"scopes":[{"scope":"read:store","context_params":{"org":"{root}","envId":"LONG"}}]}""".Replace("LONG", new string('e', 200), StringComparison.Ordinal), 400, "INVALID_ID");
        Add("put scopes: second entry bad", "PUT", Scopes, """{"scopes":[{"scope":"openid","context_params":{}},{"scope":"nope"}]}""", 400, Scope);
        Add("put scopes: 10001 entries", "PUT", Scopes, $$"""{"scopes":[{{string.Join(',', Enumerable.Repeat("""{"scope":"openid"}""", 10_001))}}]}""", 409, "LIMIT_REACHED");
        Add("put scopes: unknown app", "PUT", Apps + "/{unknown}/scopes", """{"scopes":[]}""", 404, "CONNECTED_APP_NOT_FOUND");
        Add("get scopes: limit 1001", "GET", Scopes + "?limit=1001", null, 400, Query);
        Add("get scopes: offset letters", "GET", Scopes + "?offset=one", null, 400, Query);

        // Audit queries.
        Add("audit: startDate number", "POST", Audit, """{"startDate":1,"endDate":"2030-01-01"}""", 400, Bad);
        Add("audit: endDate not a date", "POST", Audit, """{"startDate":"2030-01-01","endDate":"soon"}""", 400, Bad);
        Add("audit: objectTypes numbers", "POST", Audit, """{"startDate":"2030-01-01","endDate":"2030-01-02","objectTypes":[1]}""", 400, Bad);
        Add("audit: limit string", "POST", Audit, """{"startDate":"2030-01-01","endDate":"2030-01-02","limit":"10"}""", 400, Bad);
        Add("audit: limit 501", "POST", Audit, """{"startDate":"2030-01-01","endDate":"2030-01-02","limit":501}""", 400, Bad);
        Add("audit: 51 actions", "POST", Audit, $$"""{"startDate":"2030-01-01","endDate":"2030-01-02","actions":[{{string.Join(',', Enumerable.Repeat("\"create\"", 51))}}]}""", 400, Bad);
        Add("audit: unknown org", "POST", "/audit/v2/organizations/{unknown}/query", """{"startDate":"2030-01-01","endDate":"2030-01-02"}""", 403, "FORBIDDEN");
        return rows;
    }
}
