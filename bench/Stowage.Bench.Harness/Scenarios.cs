using System.Globalization;
using System.Text;

namespace Stowage.Bench.Harness;

/// <summary>Every measured scenario, in the order they run within a round.</summary>
internal static class Scenarios
{
    public const string Ceiling = "ceiling.get";
    public const string Get = "stowage.get";
    public const string EtcdRange = "etcd.range";
    public const string Post = "stowage.post";
    public const string EtcdPut = "etcd.put";
    public const string Values = "stowage.values100";
    public const string FirstPage = "stowage.keys.first";
    public const string DeepPage = "stowage.keys.deep";
    public const string Token = "stowage.token";
    public const string OidcToken = "oidc.token";

    /// <summary>Writes rotate over this many keys: inserts first, then overwrites, for both systems alike.</summary>
    private const int RotatingKeys = 10_000;

    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private const string ClientCredentials = "grant_type=client_credentials";

    public static IReadOnlyList<Scenario> All(Options o, StowageTarget s, Uri ceiling, Uri etcd, Uri oidc)
    {
        var size = o.ValueBytes.ToString(CultureInfo.InvariantCulture);
        var threads = o.Threads.ToString(CultureInfo.InvariantCulture);
        var rotating = RotatingKeys.ToString(CultureInfo.InvariantCulture);
        var hotKey = "{\"key\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("bench/hot")) + "\"}";
        var bigKeys = s.KeysPath(StowageTarget.BigStore, StowageTarget.BigPartition);
        return
        [
            new(Ceiling, $"trivial ASP.NET Core GET, {size} B JSON", "get.lua", new Uri(ceiling, "value").AbsoluteUri, []),
            new(Get, $"GET of a {size} B STRING value", "get.lua", s.Absolute(s.KeysPath(StowageTarget.Store, "hot") + "/value"), [s.Token]),
            new(EtcdRange, $"range of one {size} B value", "post_body.lua", new Uri(etcd, "v3/kv/range").AbsoluteUri, [Json, hotKey]),
            new(Post, $"POST {size} B to {RotatingKeys:N0} rotating keys, fsync", "post_keys.lua", s.Url.AbsoluteUri,
                [s.Token, s.KeysPath(StowageTarget.Store, "put") + "/", "r", size, rotating, threads]),
            new(EtcdPut, $"put {size} B to {RotatingKeys:N0} rotating keys, WAL fsync", "etcd_put.lua", new Uri(etcd, "v3/kv/put").AbsoluteUri,
                ["bench/put/", size, rotating, threads]),
            new(Values, $"values page of 100 x {size} B", "get.lua", s.Absolute(s.StorePath(StowageTarget.Store) + "/partitions/values/values?pageSize=100"), [s.Token]),
            new(FirstPage, $"first keys page (100) of {o.Keys:N0}", "get.lua", s.Absolute(bigKeys + "?pageSize=100"), [s.Token]),
            new(DeepPage, $"keys page (100) at random keys of the 2nd half", "deep_pages.lua", s.Url.AbsoluteUri,
                [s.Token, bigKeys, "k", o.Keys.ToString(CultureInfo.InvariantCulture), "100"]),
            new(Token, "client_credentials token (ES256 JWT)", "post_body.lua", s.Absolute("/accounts/api/v2/oauth2/token"),
                [Form, ClientCredentials, Servers.BasicAuthorization(s.ClientId, s.ClientSecret)]),
            new(OidcToken, "client_credentials token (opaque, in memory)", "post_body.lua", new Uri(oidc, "token").AbsoluteUri,
                [Form, ClientCredentials, Servers.BasicAuthorization(Servers.OidcClientId, Servers.OidcClientSecret)]),
        ];
    }
}
