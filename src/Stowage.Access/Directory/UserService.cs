using System.Security.Cryptography;
using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Access.Directory;

/// <summary>What a new user is made of; <see cref="Password"/> null means "generate one".</summary>
public sealed record NewUser(string Username, string? Password, string FirstName, string LastName, string Email, IReadOnlyList<string>? AdminOf);

/// <summary>Told after a user's password has changed, whichever way it was changed (the host removes a stale bootstrap password file).</summary>
public interface IPasswordChangeHook
{
    void PasswordChanged(UserRecord user);
}

/// <summary>A created user, and the generated password when one was generated (shown once, never stored).</summary>
public sealed record CreatedUser(UserRecord User, string? GeneratedPassword);

/// <summary>
/// The users of a business group: those who administer it or one of its business groups. Every
/// user's home organization is the root; the root's users are therefore everyone.
/// </summary>
public sealed class UserService(
    IUserRepository users,
    OrganizationDirectory directory,
    AuditLog audit,
    TimeProvider time,
    PasswordHasher passwords,
    IEnumerable<IPasswordChangeHook> passwordChangeHooks)
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 1024;
    public const int MaxAdminOf = 100;

    public async Task<(IReadOnlyList<UserRecord> Users, int Total)> ListAsync(string orgId, int offset, int limit, CancellationToken cancellationToken)
    {
        var members = await MembersAsync(orgId, cancellationToken);
        return (members.Skip(offset).Take(limit).ToArray(), members.Count);
    }

    public async Task<Result<CreatedUser>> CreateAsync(CallContext call, string orgId, NewUser request, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        var subtree = tree.Subtree(orgId);
        var adminOf = request.AdminOf ?? [orgId];
        for (var i = 0; i < adminOf.Count; i++)
        {
            if (!subtree.Contains(adminOf[i]))
            {
                return Result<CreatedUser>.Fail(
                    ErrorCodes.InvalidRequest,
                    $"adminOf[{i}]: organization '{adminOf[i]}' is not '{orgId}' or one of its business groups.");
            }
        }

        var generated = request.Password is null ? GeneratePassword() : null;
        var now = time.GetUtcNow();
        var user = new UserRecord(
            Ids.NewId(), request.Username, request.FirstName, request.LastName, request.Email,
            passwords.Hash(request.Password ?? generated!), now, tree.Root!.Id, adminOf.Distinct(StringComparer.Ordinal).ToArray());
        if (await users.CreateAsync(user, cancellationToken) != DirectoryOutcome.Done)
        {
            return Result<CreatedUser>.Fail(ErrorCodes.NameTaken, $"The username '{request.Username}' is already taken.");
        }

        await audit.RecordAsync(call.Actor, orgId, AuditActions.Create, AuditObjectTypes.User, user.Id,
            $"username={user.Username} adminOf={string.Join(',', user.AdminOf)}", cancellationToken);
        return new CreatedUser(user, generated);
    }

    /// <summary>
    /// Deletes a user of the organization; the caller must administer every group the user
    /// administers (a sibling's administrator cannot remove a shared user), and not be the user.
    /// </summary>
    public async Task<Error?> DeleteAsync(CallContext call, string orgId, string userId, CancellationToken cancellationToken)
    {
        var user = (await MembersAsync(orgId, cancellationToken)).FirstOrDefault(u => u.Id == userId);
        if (user is null)
        {
            return new Error(ErrorCodes.UserNotFound, $"User '{userId}' is not a user of organization '{orgId}'.");
        }

        var tree = await directory.GetAsync(cancellationToken);
        var scope = user.AdminOf.Count == 0 ? [user.OrganizationId] : user.AdminOf;
        if (scope.Any(org => tree.Organization(org) is not null && !call.Caller.IsAdministratorOf(tree, org)))
        {
            return new Error(ErrorCodes.Forbidden, $"User '{userId}' also administers organizations the caller does not administer.");
        }

        if (user.Id == call.Caller.SubjectId)
        {
            return new Error(ErrorCodes.CannotDeleteSelf, "A user cannot delete their own user.");
        }

        if (!await users.DeleteAsync(userId, cancellationToken))
        {
            return new Error(ErrorCodes.UserNotFound, $"User '{userId}' does not exist.");
        }

        await audit.RecordAsync(call.Actor, orgId, AuditActions.Delete, AuditObjectTypes.User, userId, $"username={user.Username}", cancellationToken);
        return null;
    }

    /// <summary>
    /// The signed-in user changes their own password, proving they know the current one. Every
    /// other session of the user ends (a stolen session does not outlive the change); the one
    /// that made the change, <paramref name="keepSessionHash"/>, goes on.
    /// </summary>
    public async Task<Error?> ChangePasswordAsync(CallContext call, string currentPassword, string newPassword, string? keepSessionHash, CancellationToken cancellationToken)
    {
        if (call.Caller.Kind != CallerKind.User || await users.GetAsync(call.Caller.SubjectId, cancellationToken) is not { } user)
        {
            return new Error(ErrorCodes.Forbidden, "Only a signed-in user changes their password.");
        }

        if (!passwords.Verify(currentPassword, user.PasswordHash))
        {
            return new Error(ErrorCodes.WrongPassword, "currentPassword is not the user's password.");
        }

        if (CheckPassword(newPassword) is { } weak)
        {
            return new Error(weak.Code, "new" + weak.Message[..1].ToUpperInvariant() + weak.Message[1..]);
        }

        if (!await users.ChangePasswordAsync(user.Id, passwords.Hash(newPassword), keepSessionHash, cancellationToken))
        {
            return new Error(ErrorCodes.UserNotFound, $"User '{user.Id}' does not exist.");
        }

        await audit.RecordAsync(call.Actor, user.OrganizationId, AuditActions.Update, AuditObjectTypes.User, user.Id, $"username={user.Username} password changed", cancellationToken);
        foreach (var hook in passwordChangeHooks)
        {
            hook.PasswordChanged(user);
        }

        return null;
    }

    /// <summary>The password rule, applied before hashing.</summary>
    public static Error? CheckPassword(string password) =>
        password.Length < MinPasswordLength
            ? new Error(ErrorCodes.WeakPassword, $"password must be at least {MinPasswordLength} characters.")
            : password.Length > MaxPasswordLength
                ? new Error(ErrorCodes.WeakPassword, $"password must be at most {MaxPasswordLength} characters.")
                : null;

    private async Task<IReadOnlyList<UserRecord>> MembersAsync(string orgId, CancellationToken cancellationToken)
    {
        var tree = await directory.GetAsync(cancellationToken);
        var all = await users.ListAllAsync(cancellationToken);
        if (tree.Organization(orgId) is { IsRoot: true })
        {
            return all;
        }

        var subtree = tree.Subtree(orgId);
        return all.Where(u => u.AdminOf.Any(subtree.Contains)).ToArray();
    }

    // 24 characters from 59 letters and digits (no l, I or O to misread): about 141 bits.
    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 24);
}
