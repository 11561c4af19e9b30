namespace Stowage.Access;

/// <summary>A business group; the root has no parent.</summary>
public sealed record Organization(
    string Id,
    string Name,
    string? ParentId,
    string OwnerId,
    string ClientId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsRoot => ParentId is null;
}

public static class EnvironmentTypes
{
    public const string Production = "production";
    public const string Sandbox = "sandbox";
    public const string Design = "design";

    public static bool IsKnown(string type) => type is Production or Sandbox or Design;
}

public sealed record EnvironmentRecord(
    string Id,
    string OrganizationId,
    string Name,
    string Type,
    string ClientId,
    DateTimeOffset CreatedAt)
{
    public bool IsProduction => Type == EnvironmentTypes.Production;
}

public sealed record UserRecord(
    string Id,
    string Username,
    string FirstName,
    string LastName,
    string Email,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    string OrganizationId,
    IReadOnlyList<string> AdminOf);

/// <summary>A user session token as stored: only its SHA-256 hash is kept.</summary>
public sealed record SessionRecord(string TokenHash, string UserId, DateTimeOffset ExpiresAt, bool Revoked);
