using Stowage.Core.Errors;

namespace Stowage.Access.Directory;

/// <summary>
/// The checks on a new user's fields, shared by the API and the console so both accept and
/// refuse exactly the same input (messages name the API's members).
/// </summary>
public static class NewUserRules
{
    public static Result<NewUser> Check(string? username, string? password, string? firstName, string? lastName, string? email, IReadOnlyList<string>? adminOf)
    {
        var validUsername = NameRules.Username(username);
        if (!validUsername.IsSuccess)
        {
            return validUsername.Error!;
        }

        if (password is not null && UserService.CheckPassword(password) is { } weak)
        {
            return weak;
        }

        var first = NameRules.Text(firstName, "firstName");
        var last = NameRules.Text(lastName, "lastName");
        var mail = NameRules.Text(email, "email");
        foreach (var text in new[] { first, last, mail })
        {
            if (!text.IsSuccess)
            {
                return text.Error!;
            }
        }

        if (mail.Value.Length > 0 && (!mail.Value.Contains('@', StringComparison.Ordinal) || mail.Value.Any(char.IsWhiteSpace)))
        {
            return new Error(ErrorCodes.InvalidRequest, "email must be an e-mail address.");
        }

        if (adminOf is { Count: 0 })
        {
            return new Error(ErrorCodes.InvalidRequest, "adminOf must name at least one organization (or be left out).");
        }

        return new NewUser(validUsername.Value, password, first.Value, last.Value, mail.Value, adminOf);
    }
}
