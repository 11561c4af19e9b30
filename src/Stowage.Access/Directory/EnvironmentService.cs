using Stowage.Access.Audit;
using Stowage.Core.Errors;

namespace Stowage.Access.Directory;

/// <summary>
/// Creates, renames and deletes environments. Deleting one removes its stores and the scope
/// assignments on it in the same transaction (the repository's job), so no app keeps a grant
/// on an environment that is gone.
/// </summary>
public sealed class EnvironmentService(IOrganizationRepository organizations, OrganizationDirectory directory, AuditLog audit, TimeProvider time)
{
    public const int MaxPerOrganization = 150;

    public async Task<Result<EnvironmentRecord>> CreateAsync(CallContext call, string orgId, string name, string type, CancellationToken cancellationToken)
    {
        var environment = new EnvironmentRecord(Ids.NewId(), orgId, name, type, Ids.NewClientId(), time.GetUtcNow());
        var outcome = await organizations.CreateEnvironmentAsync(environment, MaxPerOrganization, cancellationToken);
        directory.Invalidate();
        switch (outcome)
        {
            case DirectoryOutcome.Done:
                await audit.RecordAsync(call.Actor, orgId, AuditActions.Create, AuditObjectTypes.Environment, environment.Id, $"name={name} type={type}", cancellationToken);
                return environment;
            case DirectoryOutcome.NameTaken:
                return NameTaken(orgId, name);
            case DirectoryOutcome.LimitReached:
                return Result<EnvironmentRecord>.Fail(ErrorCodes.LimitReached, $"Organization '{orgId}' already has {MaxPerOrganization} environments, the limit.");
            default:
                return Result<EnvironmentRecord>.Fail(ErrorCodes.OrganizationNotFound, $"Organization '{orgId}' does not exist.");
        }
    }

    public async Task<Result<EnvironmentRecord>> RenameAsync(CallContext call, string orgId, string envId, string name, CancellationToken cancellationToken)
    {
        var outcome = await organizations.RenameEnvironmentAsync(orgId, envId, name, cancellationToken);
        directory.Invalidate();
        switch (outcome)
        {
            case DirectoryOutcome.Done:
                await audit.RecordAsync(call.Actor, orgId, AuditActions.Update, AuditObjectTypes.Environment, envId, $"name={name}", cancellationToken);
                var tree = await directory.GetAsync(cancellationToken);
                return tree.Environment(envId) is { } renamed ? renamed : NotFound(orgId, envId);
            case DirectoryOutcome.NameTaken:
                return NameTaken(orgId, name);
            default:
                return NotFound(orgId, envId);
        }
    }

    public async Task<Error?> DeleteAsync(CallContext call, string orgId, string envId, CancellationToken cancellationToken)
    {
        var outcome = await organizations.DeleteEnvironmentAsync(orgId, envId, cancellationToken);
        directory.Invalidate();
        switch (outcome)
        {
            case DirectoryOutcome.Done:
                await audit.RecordAsync(call.Actor, orgId, AuditActions.Delete, AuditObjectTypes.Environment, envId, null, cancellationToken);
                return null;
            case DirectoryOutcome.LastEnvironment:
                return new Error(ErrorCodes.LastEnvironment, $"Environment '{envId}' is the last one of organization '{orgId}'; an organization keeps at least one.");
            default:
                return NotFound(orgId, envId).Error;
        }
    }

    private static Result<EnvironmentRecord> NameTaken(string orgId, string name) =>
        Result<EnvironmentRecord>.Fail(ErrorCodes.NameTaken, $"Organization '{orgId}' already has an environment named '{name}'.");

    private static Result<EnvironmentRecord> NotFound(string orgId, string envId) =>
        Result<EnvironmentRecord>.Fail(ErrorCodes.EnvironmentNotFound, $"Environment '{envId}' does not exist in organization '{orgId}'.");
}
