using Microsoft.AspNetCore.Mvc;
using Stowage.Access;
using Stowage.Access.Directory;

namespace Stowage.Console.Pages.Access;

/// <summary>Environments of the chosen business group: list, create, rename, delete (with confirmation).</summary>
public sealed class EnvironmentsModel(EnvironmentService environments) : ConsolePageModel
{
    public IReadOnlyList<EnvironmentRecord> Environments { get; private set; } = [];

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? type)
    {
        Load();
        var validName = NameRules.Name(name, "Name");
        if (!validName.IsSuccess)
        {
            return Failed(validName.Error!);
        }

        if (type is null || !EnvironmentTypes.IsKnown(type))
        {
            return Invalid("Choose the environment type: Production, Sandbox or Design.");
        }

        var created = await environments.CreateAsync(Call, Session.Organization.Id, validName.Value, type, HttpContext.RequestAborted);
        return created.IsSuccess
            ? Done("/access/environments", $"Environment '{created.Value.Name}' created.")
            : Failed(created.Error!);
    }

    public async Task<IActionResult> OnPostRenameAsync(string? id, string? name)
    {
        Load();
        var validName = NameRules.Name(name, "Name");
        if (!validName.IsSuccess)
        {
            return Failed(validName.Error!);
        }

        var renamed = await environments.RenameAsync(Call, Session.Organization.Id, id ?? string.Empty, validName.Value, HttpContext.RequestAborted);
        return renamed.IsSuccess
            ? Done("/access/environments", $"Environment renamed to '{renamed.Value.Name}'.")
            : Failed(renamed.Error!);
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id)
    {
        Load();
        var name = Environments.FirstOrDefault(e => e.Id == id)?.Name ?? id;
        var error = await environments.DeleteAsync(Call, Session.Organization.Id, id ?? string.Empty, HttpContext.RequestAborted);
        return error is null
            ? Done("/access/environments", $"Environment '{name}' deleted.")
            : Failed(error);
    }

    private void Load() => Environments = [.. Session.Environments];
}
