using System.Globalization;
using System.Text.RegularExpressions;
using Stowage.Access.Audit;
using Stowage.Contracts;
using Stowage.Core.Errors;
using Stowage.Server.Auth;
using Stowage.Server.Features.Accounts;
using Stowage.Server.Infrastructure;

namespace Stowage.Server.Features.Audit;

/// <summary><c>POST /audit/v2/organizations/{orgId}/query</c>: the audit log of one organization, newest first, for its administrators.</summary>
public static partial class AuditEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxFilterValues = 50;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/audit/v2/organizations/{org}/query", QueryAsync).WithName("QueryAuditLog").WithTags("Audit")
            .RequireCaller().RequireOrganizationAdministrator()
            .Accepts<AuditQueryRequest>("application/json").Produces<ListDto<AuditEntryDto>>();
        return app;
    }

    private static async Task<IResult> QueryAsync(string org, HttpContext context, AuditLog audit)
    {
        var body = await AccessJson.ReadObjectAsync(context, AccessJson.SmallBodyBytes * 4);
        if (!body.IsSuccess)
        {
            return Problems.Result(body.Error!);
        }

        using var document = body.Value;
        var json = new AccessJson(document.RootElement);
        var start = Date(json, "startDate");
        var end = Date(json, "endDate");
        var objectTypes = json.Strings("objectTypes", MaxFilterValues);
        var actions = json.Strings("actions", MaxFilterValues);
        var offset = json.Integer("offset", 0, int.MaxValue) ?? 0;
        var limit = json.Integer("limit", 1, Listing.MaxLimit) ?? DefaultLimit;
        if (json.Error is { } error)
        {
            return Problems.Result(error);
        }

        if (end <= start)
        {
            return Problems.Result(ErrorCodes.InvalidRequest, "endDate must be later than startDate.");
        }

        var (entries, total) = await audit.QueryAsync(new AuditQuery(org, start!.Value, end!.Value, objectTypes, actions, offset, limit), context.RequestAborted);
        return TypedResults.Json(new ListDto<AuditEntryDto> { Data = entries.Select(ToDto).ToArray(), Total = total }, ServerJson.Context.ListDtoAuditEntryDto);
    }

    /// <summary>An ISO-8601 date or date-time; without an offset it is UTC.</summary>
    private static DateTimeOffset? Date(AccessJson json, string name)
    {
        var text = json.String(name, required: true);
        if (text is null)
        {
            return null;
        }

        if (IsoDate().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        json.Fail(ErrorCodes.InvalidRequest, $"{name} must be an ISO-8601 date or date-time, for example 2025-01-31T00:00:00Z.");
        return null;
    }

    private static AuditEntryDto ToDto(AuditEntry entry) => new()
    {
        Id = entry.Id,
        Timestamp = entry.Timestamp,
        OrganizationId = entry.OrganizationId,
        Actor = new AuditActorDto { Type = entry.ActorType, Id = entry.ActorId, Name = entry.ActorName },
        ClientIp = entry.ClientIp,
        Action = entry.Action,
        ObjectType = entry.ObjectType,
        ObjectId = entry.ObjectId,
        Detail = entry.Detail,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
