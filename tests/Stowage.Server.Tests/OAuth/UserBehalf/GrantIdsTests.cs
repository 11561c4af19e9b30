using Stowage.Server.OAuth.Stores;

namespace Stowage.Server.Tests.OAuth.UserBehalf;

/// <summary>Grant entry ids: time-ordered, so new rows append to the id index; versions stay random.</summary>
public sealed class GrantIdsTests
{
    [Fact]
    public void Entry_ids_are_version_7_uuids_in_32_lowercase_hex_characters()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => GrantIds.NewId()).ToList();

        Assert.All(ids, id =>
        {
            Assert.Matches("^[0-9a-f]{32}$", id);
            Assert.Equal('7', id[12]);
        });
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_id_made_in_a_later_millisecond_sorts_after_the_earlier_ones()
    {
        var earlier = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = GrantIds.NewId();
            Assert.All(earlier, e => Assert.True(string.CompareOrdinal(e, id) < 0, $"{e} should sort before {id}"));
            earlier.Add(id);

            // The next id is made in another millisecond: only the time prefix orders ids.
            var made = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            SpinWait.SpinUntil(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() > made);
        }
    }

    [Fact]
    public void New_entities_get_such_ids_and_versions_stay_random()
    {
        var token = new OAuthTokenEntity();
        var authorization = new OAuthAuthorizationEntity();

        Assert.Equal('7', token.Id[12]);
        Assert.Equal('7', authorization.Id[12]);
        Assert.NotEqual(token.Id, authorization.Id);
        Assert.Matches("^[0-9a-f]{32}$", GrantIds.New());
        Assert.NotEqual(GrantIds.New(), GrantIds.New());
    }
}
