using Stowage.Contracts;

namespace Stowage.Client;

public sealed partial class StowageClient
{
    /// <summary>Queries the audit log with <c>POST /audit/v2/organizations/{orgId}/query</c> (administrators only).</summary>
    /// <param name="organizationId">The organization id.</param>
    /// <param name="request">The time range, optional filters, and the page (<c>offset</c>, <c>limit</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page of entries and the total number of matching entries.</returns>
    public Task<ListDto<AuditEntryDto>> QueryAuditAsync(
        string organizationId, AuditQueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendJsonAsync(
            HttpMethod.Post,
            StowagePaths.AuditQuery(organizationId),
            request,
            StowageJsonContext.Default.AuditQueryRequest,
            StowageJsonContext.Default.ListDtoAuditEntryDto,
            cancellationToken);
    }
}
