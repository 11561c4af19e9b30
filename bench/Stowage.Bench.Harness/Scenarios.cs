using System.Globalization;
using System.Text;

namespace Stowage.Bench.Harness;

/// <summary>Every measured scenario, in the order they run within a round.</summary>
internal static class Scenarios
{
    public const string Ceiling = "ceiling.get";
    public const string Get = "stowage.get";
    public const string LimitedGet = "stowage.get.limited";

    // stowage.get again, measured in alternating windows with stowage.get.limited (its partner
    // below): the limit's cost is taken from these two, on the same server at the same moments.
    public const string UnlimitedGet = "stowage.get.nolimit";
    public const string EtcdRange = "etcd.range";
    public const string Post = "stowage.post";
    public const string EtcdPut = "etcd.put";
    public const string PostgresGet = "postgres.get";
    public const string PostgresPost = "postgres.post";
    public const string ClusterGet = "cluster.get";
    public const string ClusterPost = "cluster.post";
    public const string Values = "stowage.values100";
    public const string FirstPage = "stowage.keys.first";
    public const string DeepPage = "stowage.keys.deep";
    public const string Token = "stowage.token";
    public const string OidcToken = "oidc.token";
    public const string Refresh = "stowage.refresh";

    // The cost of metrics (issue 16): two fresh servers alike but for Stowage:Metrics:Enabled,
    // the "on" one scraped every second for the whole run (MetricsScraper).
    public const string MetricsOffGet = "metrics.off.get";
    public const string MetricsOnGet = "metrics.on.get";
    public const string MetricsOffPost = "metrics.off.post";
    public const string MetricsOnPost = "metrics.on.post";

    /// <summary>Writes rotate over this many keys: inserts first, then overwrites, for both systems alike.</summary>
    private const int RotatingKeys = 10_000;

    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private const string ClientCredentials = "grant_type=client_credentials";

    /// <summary>The scenarios that need PostgreSQL, one node on it and the three-node cluster.</summary>
    public static readonly IReadOnlySet<string> OnPostgres = new HashSet<string>(StringComparer.Ordinal) { PostgresGet, PostgresPost, ClusterGet, ClusterPost };

    /// <summary>The scenarios that need the metrics off/on pair of servers.</summary>
    public static readonly IReadOnlySet<string> OnMetricsPair = new HashSet<string>(StringComparer.Ordinal) { MetricsOffGet, MetricsOnGet, MetricsOffPost, MetricsOnPost };

    /// <summary>
    /// The scenario measured together with this one in alternating windows (Interleaved): the
    /// same load on the metrics pair's other server ("metrics.off.get" and "metrics.on.get"), or
    /// the GET on a store with a limit and the same GET on one without; null for the others.
    /// </summary>
    public static string? MeasuredTogetherWith(string name) => name switch
    {
        MetricsOffGet => MetricsOnGet,
        MetricsOnGet => MetricsOffGet,
        MetricsOffPost => MetricsOnPost,
        MetricsOnPost => MetricsOffPost,
        LimitedGet => UnlimitedGet,
        UnlimitedGet => LimitedGet,
        _ => null,
    };

    /// <summary>
    /// <paramref name="postgres"/> is one node on PostgreSQL, <paramref name="cluster"/> the
    /// same database through haproxy in front of three nodes (the first of them is
    /// <paramref name="postgres"/>); both are null when no PostgreSQL scenario runs.
    /// <paramref name="refresh"/> is null when <see cref="Refresh"/> does not run.
    /// </summary>
    public static IReadOnlyList<Scenario> All(
        Options o, StowageTarget s, Uri ceiling, Uri etcd, Uri oidc, StowageTarget? postgres, StowageTarget? cluster, RefreshChains? refresh,
        (StowageTarget Off, StowageTarget On)? metrics = null)
    {
        var size = o.ValueBytes.ToString(CultureInfo.InvariantCulture);
        var rotating = RotatingKeys.ToString(CultureInfo.InvariantCulture);
        var hotKey = "{\"key\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("bench/hot")) + "\"}";
        var bigKeys = s.KeysPath(StowageTarget.BigStore, StowageTarget.BigPartition);
        var rotatingWhat = $"POST {size} B to {RotatingKeys:N0} rotating keys";
        Scenario[] onPostgres = postgres is null || cluster is null
            ? []
            :
            [
                GetOn(PostgresGet, postgres, $"GET of a {size} B STRING value, PostgreSQL"),
                GetOn(ClusterGet, cluster, $"GET of a {size} B value, haproxy + 3 nodes on PG"),
                PostTo(o, PostgresPost, postgres, "put", rotatingWhat + ", PostgreSQL"),
                PostTo(o, ClusterPost, cluster, "cput", rotatingWhat + ", 3 nodes"),
            ];
        return
        [
            new(Ceiling, $"trivial ASP.NET Core GET, {size} B JSON", "get.lua", new Uri(ceiling, "value").AbsoluteUri, []),
            GetOn(Get, s, $"GET of a {size} B STRING value"),
            new(LimitedGet, $"GET of a {size} B value, store with a limit never reached", "get.lua", s.Absolute(s.KeysPath(StowageTarget.LimitedStore, "hot") + "/value"), [s.Token]),
            GetOn(UnlimitedGet, s, $"GET of a {size} B value, no limit (windows with .limited)"),
            new(EtcdRange, $"range of one {size} B value", "post_body.lua", new Uri(etcd, "v3/kv/range").AbsoluteUri, [Json, hotKey]),
            .. onPostgres.Take(2),
            PostTo(o, Post, s, "put", rotatingWhat + ", fsync"),
            new(EtcdPut, $"put {size} B to {RotatingKeys:N0} rotating keys, WAL fsync", "etcd_put.lua", new Uri(etcd, "v3/kv/put").AbsoluteUri,
                ["bench/put/", size, rotating, o.Threads.ToString(CultureInfo.InvariantCulture)]),
            .. onPostgres.Skip(2),
            .. metrics is not { } pair
                ? (Scenario[])[]
                :
                [
                    OnMetricsPairServer(o, MetricsOffGet, pair.Off),
                    OnMetricsPairServer(o, MetricsOnGet, pair.On),
                    OnMetricsPairServer(o, MetricsOffPost, pair.Off),
                    OnMetricsPairServer(o, MetricsOnPost, pair.On),
                ],
            new(Values, $"values page of 100 x {size} B", "get.lua", s.Absolute(s.StorePath(StowageTarget.Store) + "/partitions/values/values?pageSize=100"), [s.Token]),
            new(FirstPage, $"first keys page (100) of {o.Keys:N0}", "get.lua", s.Absolute(bigKeys + "?pageSize=100"), [s.Token]),
            new(DeepPage, $"keys page (100) at random keys of the 2nd half", "deep_pages.lua", s.Url.AbsoluteUri,
                [s.Token, bigKeys, "k", o.Keys.ToString(CultureInfo.InvariantCulture), "100"]),
            new(Token, "client_credentials token (ES256 JWT)", "post_body.lua", s.Absolute("/accounts/api/v2/oauth2/token"),
                [Form, ClientCredentials, Servers.BasicAuthorization(s.ClientId, s.ClientSecret)]),
            new(OidcToken, "client_credentials token (opaque, in memory)", "post_body.lua", new Uri(oidc, "token").AbsoluteUri,
                [Form, ClientCredentials, Servers.BasicAuthorization(Servers.OidcClientId, Servers.OidcClientSecret)]),
            .. refresh is null
                ? (Scenario[])[]
                :
                [
                    // One chain per connection and a spare per thread, fresh for every wrk run (refresh.lua).
                    new(Refresh, "refresh_token grant (rotation, user-behalf app)", "refresh.lua", s.Absolute("/accounts/api/v2/oauth2/token"),
                        [refresh.File, Servers.BasicAuthorization(refresh.ClientId, refresh.ClientSecret)],
                        ct => refresh.WriteAsync(o.Connections + o.Threads, ct)),
                ],
        ];
    }

    /// <summary>
    /// A metrics pair scenario (<paramref name="name"/> one of <see cref="OnMetricsPair"/>) on
    /// <paramref name="target"/>: the harness builds it again whenever the pair's servers change
    /// places (<see cref="MetricsPair"/>).
    /// </summary>
    public static Scenario OnMetricsPairServer(Options o, string name, StowageTarget target)
    {
        var size = o.ValueBytes.ToString(CultureInfo.InvariantCulture);
        var onServer = o.MetricsControl ? "metrics off too (A/A control)" : "metrics on, scraped 1/s";
        return name switch
        {
            MetricsOffGet => GetOn(name, target, $"GET of a {size} B value, metrics off"),
            MetricsOnGet => GetOn(name, target, $"GET of a {size} B value, {onServer}"),
            MetricsOffPost => PostTo(o, name, target, "put", $"POST {size} B, {RotatingKeys:N0} keys, metrics off"),
            MetricsOnPost => PostTo(o, name, target, "put", $"POST {size} B, {RotatingKeys:N0} keys, {onServer}"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a metrics pair scenario"),
        };
    }

    private static Scenario GetOn(string name, StowageTarget t, string what) =>
        new(name, what, "get.lua", t.Absolute(t.KeysPath(StowageTarget.Store, "hot") + "/value"), [t.Token]);

    private static Scenario PostTo(Options o, string name, StowageTarget t, string partition, string what) =>
        new(name, what, "post_keys.lua", t.Url.AbsoluteUri,
            [t.Token, t.KeysPath(StowageTarget.Store, partition) + "/", "r", o.ValueBytes.ToString(CultureInfo.InvariantCulture),
                RotatingKeys.ToString(CultureInfo.InvariantCulture), o.Threads.ToString(CultureInfo.InvariantCulture)]);
}
