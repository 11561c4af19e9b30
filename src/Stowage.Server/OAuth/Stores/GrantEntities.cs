using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using Stowage.Access.Grants;

namespace Stowage.Server.OAuth.Stores;

/// <summary>OpenIddict's authorization entity: a mutable copy of an <see cref="OAuthAuthorization"/> between reads and writes.</summary>
public sealed class OAuthAuthorizationEntity
{
    public string Id { get; set; } = GrantIds.NewId();

    public string? ClientId { get; set; }

    public string? Subject { get; set; }

    public string? Type { get; set; }

    public string? Status { get; set; }

    public ImmutableArray<string> Scopes { get; set; } = [];

    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>The version read (null before the first write); the compare-and-set of every update.</summary>
    public string? Version { get; set; }

    public static OAuthAuthorizationEntity From(OAuthAuthorization a) => new()
    {
        Id = a.Id,
        ClientId = a.ClientId,
        Subject = a.Subject,
        Type = a.Type,
        Status = a.Status,
        Scopes = [.. a.Scopes],
        Properties = GrantProperties.Read(a.Properties),
        CreatedAt = a.CreatedAt,
        Version = a.Version,
    };

    public OAuthAuthorization ToRecord(string version, DateTimeOffset now) => new(
        Id,
        ClientId ?? throw new InvalidOperationException("An authorization needs an application."),
        Subject ?? throw new InvalidOperationException("An authorization needs a subject."),
        Type ?? OpenIddict.Abstractions.OpenIddictConstants.AuthorizationTypes.AdHoc,
        Status ?? OpenIddict.Abstractions.OpenIddictConstants.Statuses.Valid,
        Scopes.IsDefault ? [] : [.. Scopes],
        GrantProperties.Write(Properties),
        CreatedAt ?? now,
        version);
}

/// <summary>OpenIddict's token entity: a mutable copy of an <see cref="OAuthToken"/> between reads and writes.</summary>
public sealed class OAuthTokenEntity
{
    public string Id { get; set; } = GrantIds.NewId();

    public string? ClientId { get; set; }

    public string? AuthorizationId { get; set; }

    public string? Subject { get; set; }

    public string? Type { get; set; }

    public string? Status { get; set; }

    public string? ReferenceId { get; set; }

    public string? Payload { get; set; }

    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RedeemedAt { get; set; }

    public string? Version { get; set; }

    public static OAuthTokenEntity From(OAuthToken t) => new()
    {
        Id = t.Id,
        ClientId = t.ClientId,
        AuthorizationId = t.AuthorizationId,
        Subject = t.Subject,
        Type = t.Type,
        Status = t.Status,
        ReferenceId = t.ReferenceId,
        Payload = t.Payload,
        Properties = GrantProperties.Read(t.Properties),
        CreatedAt = t.CreatedAt,
        ExpiresAt = t.ExpiresAt,
        RedeemedAt = t.RedeemedAt,
        Version = t.Version,
    };

    public OAuthToken ToRecord(string version, DateTimeOffset now) => new(
        Id,
        ClientId,
        AuthorizationId,
        Subject,
        Type ?? throw new InvalidOperationException("A token entry needs a type."),
        Status ?? OpenIddict.Abstractions.OpenIddictConstants.Statuses.Valid,
        ReferenceId,
        Payload,
        GrantProperties.Write(Properties),
        CreatedAt ?? now,
        ExpiresAt,
        RedeemedAt,
        version);
}

internal static class GrantIds
{
    /// <summary>A version: 128 random bits as 32 lowercase hex characters.</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// A new entry's id, also 32 lowercase hex characters: a version 7 UUID, whose first 48 bits
    /// are the Unix time in milliseconds and whose other 74 are random, so ids made later sort
    /// later and a new row goes to the end of the id index instead of to a random page of it
    /// (docs/decisions.md, "Grant ids in time order").
    /// </summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>OpenIddict's property bags as a JSON object, written and read without reflection.</summary>
internal static class GrantProperties
{
    public static ImmutableDictionary<string, JsonElement> Read(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ImmutableDictionary<string, JsonElement>.Empty;
        }

        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            builder[property.Name] = property.Value.Clone();
        }

        return builder.ToImmutable();
    }

    public static string? Write(ImmutableDictionary<string, JsonElement> properties)
    {
        if (properties.IsEmpty)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
