using Stowage.Access.Audit;
using Stowage.Access.Directory;
using Stowage.Server.Auth;

namespace Stowage.Server.Features.Audit;

/// <summary>The request's caller and address, as services and the audit log need them.</summary>
public static class AuditHttp
{
    public static string? ClientIp(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>The authenticated caller of this request with its address; only inside a RequireCaller group.</summary>
    public static CallContext GetCallContext(this HttpContext context) => new(context.GetCaller(), context.ClientIp());

    /// <summary>Records a change made by this request's caller (used by the data plane for stores).</summary>
    public static Task AuditAsync(this HttpContext context, string? organizationId, string action, string objectType, string? objectId, string? detail = null) =>
        context.RequestServices.GetRequiredService<AuditLog>()
            .RecordAsync(context.GetCallContext().Actor, organizationId, action, objectType, objectId, detail, context.RequestAborted);
}
