using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stowage.Contracts;

/// <summary>
/// Source-generated JSON metadata for every wire DTO. Names are camelCase unless a member says
/// otherwise; null members are omitted, except <see cref="PageDto{T}.NextPageToken"/>.
/// Reading is case-sensitive and strict about types (no numbers from strings).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcDateTimeOffsetConverter)])]
[JsonSerializable(typeof(StoreDto))]
[JsonSerializable(typeof(StoreSettingsRequest))]
[JsonSerializable(typeof(PageDto<StoreDto>))]
[JsonSerializable(typeof(PageDto<string>))]
[JsonSerializable(typeof(PageDto<KeyIdDto>))]
[JsonSerializable(typeof(PageDto<ValueDto>))]
[JsonSerializable(typeof(ValueDto))]
[JsonSerializable(typeof(ConfirmationRequest))]
[JsonSerializable(typeof(RegionDto))]
[JsonSerializable(typeof(IReadOnlyList<RegionDto>))]
[JsonSerializable(typeof(ProblemDto))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(OrganizationDto))]
[JsonSerializable(typeof(EnvironmentDto))]
[JsonSerializable(typeof(ListDto<EnvironmentDto>))]
[JsonSerializable(typeof(ListDto<OrganizationDto>))]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(MeDto))]
[JsonSerializable(typeof(ListDto<UserDto>))]
[JsonSerializable(typeof(CreateOrganizationRequest))]
[JsonSerializable(typeof(RenameRequest))]
[JsonSerializable(typeof(CreateEnvironmentRequest))]
[JsonSerializable(typeof(HierarchyDto))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(ConnectedAppDto))]
[JsonSerializable(typeof(ListDto<ConnectedAppDto>))]
[JsonSerializable(typeof(CreateConnectedAppRequest))]
[JsonSerializable(typeof(UpdateConnectedAppRequest))]
[JsonSerializable(typeof(ScopeAssignmentDto))]
[JsonSerializable(typeof(ListDto<ScopeAssignmentDto>))]
[JsonSerializable(typeof(ScopesRequest))]
[JsonSerializable(typeof(AuthorizationDto))]
[JsonSerializable(typeof(ListDto<AuthorizationDto>))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorDto))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(AuditQueryRequest))]
[JsonSerializable(typeof(AuditEntryDto))]
[JsonSerializable(typeof(ListDto<AuditEntryDto>))]
[JsonSerializable(typeof(IReadOnlyList<UsageBucketDto>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(StoreUsageDto))]
[JsonSerializable(typeof(RateLimitRequest))]
[JsonSerializable(typeof(RateLimitDto))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class StowageJsonContext : JsonSerializerContext;
