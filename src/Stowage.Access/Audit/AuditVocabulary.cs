namespace Stowage.Access.Audit;

/// <summary>Who did something, as the audit log records it. Never carries a secret or a token.</summary>
public sealed record AuditActor(string Type, string? Id, string? Name, string? ClientIp)
{
    public const string UserType = "user";
    public const string ConnectedAppType = "connected_app";
    public const string AnonymousType = "anonymous";

    public static AuditActor Of(Caller caller, string? clientIp) =>
        new(caller.Kind == CallerKind.ConnectedApp ? ConnectedAppType : UserType, caller.SubjectId, caller.DisplayName, clientIp);

    /// <summary>
    /// Nobody authenticated, naming a known app or user (a refused token request, a failed
    /// sign-in): its id and name as stored, never what the client typed or sent, which may be
    /// a secret in the wrong field.
    /// </summary>
    public static AuditActor Unauthenticated(string knownId, string knownName, string? clientIp) => new(AnonymousType, knownId, knownName, clientIp);
}

/// <summary>The object types entries are filed under.</summary>
public static class AuditObjectTypes
{
    public const string Organization = "organization";
    public const string Environment = "environment";
    public const string User = "user";
    public const string ConnectedApp = "connected_app";
    public const string ScopeAssignment = "scope_assignment";
    public const string Store = "store";
    public const string Token = "token";

    /// <summary>A user's authorization of an app that acts on their behalf. The object id is the client id.</summary>
    public const string Authorization = "authorization";

    /// <summary>A user's sign-in session: signed in, refused, signed out. The object id is the user's id.</summary>
    public const string Session = "session";
}

/// <summary>The actions entries record.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string ResetSecret = "reset_secret";
    public const string Enable = "enable";
    public const string Disable = "disable";
    public const string Replace = "replace";
    public const string Add = "add";
    public const string Remove = "remove";
    public const string Issue = "issue";
    public const string Refuse = "refuse";
    public const string Revoke = "revoke";
    public const string SignIn = "sign_in";
    public const string SignOut = "sign_out";
    public const string Consent = "consent";
}
