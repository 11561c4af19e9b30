namespace Stowage.Core.Errors;

/// <summary>
/// The one catalog of error codes. Every code has an entry in docs/errors.md; the
/// catalog test checks that they stay in step.
/// </summary>
public static class ErrorCodes
{
    // 400: the request itself is wrong.
    public static readonly ErrorCode MalformedJson = new("MALFORMED_JSON", 400, "Malformed JSON");
    public static readonly ErrorCode MalformedForm = new("MALFORMED_FORM", 400, "Malformed form");
    public static readonly ErrorCode InvalidRequest = new("INVALID_REQUEST", 400, "Invalid request");
    public static readonly ErrorCode InvalidPath = new("INVALID_PATH", 400, "Invalid path");
    public static readonly ErrorCode InvalidQuery = new("INVALID_QUERY_PARAMETER", 400, "Invalid query parameter");
    public static readonly ErrorCode InvalidStoreId = new("INVALID_STORE_ID", 400, "Invalid store id");
    public static readonly ErrorCode InvalidPartition = new("INVALID_PARTITION", 400, "Invalid partition name");
    public static readonly ErrorCode InvalidKey = new("INVALID_KEY", 400, "Invalid key");
    public static readonly ErrorCode InvalidValue = new("INVALID_VALUE", 400, "Invalid value");
    public static readonly ErrorCode InvalidValueType = new("INVALID_VALUE_TYPE", 400, "Invalid value type");
    public static readonly ErrorCode InvalidStoreSettings = new("INVALID_STORE_SETTINGS", 400, "Invalid store settings");
    public static readonly ErrorCode InvalidRateLimit = new("INVALID_RATE_LIMIT", 400, "Invalid rate limit");
    public static readonly ErrorCode InvalidPageToken = new("INVALID_PAGE_TOKEN", 400, "Invalid page token");
    public static readonly ErrorCode InvalidPageSize = new("INVALID_PAGE_SIZE", 400, "Invalid page size");
    public static readonly ErrorCode KeyIdMismatch = new("KEY_ID_MISMATCH", 400, "Key id does not match the path");
    public static readonly ErrorCode InvalidId = new("INVALID_ID", 400, "Invalid id");
    public static readonly ErrorCode InvalidName = new("INVALID_NAME", 400, "Invalid name");
    public static readonly ErrorCode InvalidScope = new("INVALID_SCOPE", 400, "Invalid scope assignment");
    public static readonly ErrorCode WeakPassword = new("WEAK_PASSWORD", 400, "Password too weak");
    public static readonly ErrorCode WeakClientSecret = new("WEAK_CLIENT_SECRET", 400, "Client secret too weak");

    // 401 / 403: who is calling and what they may do.
    public static readonly ErrorCode Unauthorized = new("UNAUTHORIZED", 401, "Unauthorized");
    public static readonly ErrorCode InvalidCredentials = new("INVALID_CREDENTIALS", 401, "Invalid credentials");
    public static readonly ErrorCode Forbidden = new("FORBIDDEN", 403, "Forbidden");
    public static readonly ErrorCode WrongPassword = new("WRONG_PASSWORD", 403, "Wrong password");

    // 404: only after authorization passed.
    public static readonly ErrorCode NotFound = new("NOT_FOUND", 404, "Not found");
    public static readonly ErrorCode StoreNotFound = new("STORE_NOT_FOUND", 404, "Store not found");
    public static readonly ErrorCode PartitionNotFound = new("PARTITION_NOT_FOUND", 404, "Partition not found");
    public static readonly ErrorCode KeyNotFound = new("KEY_NOT_FOUND", 404, "Key not found");
    public static readonly ErrorCode OrganizationNotFound = new("ORGANIZATION_NOT_FOUND", 404, "Organization not found");
    public static readonly ErrorCode EnvironmentNotFound = new("ENVIRONMENT_NOT_FOUND", 404, "Environment not found");
    public static readonly ErrorCode UserNotFound = new("USER_NOT_FOUND", 404, "User not found");
    public static readonly ErrorCode ConnectedAppNotFound = new("CONNECTED_APP_NOT_FOUND", 404, "Connected app not found");
    public static readonly ErrorCode AuthorizationNotFound = new("AUTHORIZATION_NOT_FOUND", 404, "Authorization not found");
    public static readonly ErrorCode ConfirmationNotFound = new("CONFIRMATION_NOT_FOUND", 404, "Confirmation not found");

    // 409: the request conflicts with the current state or a limit.
    public static readonly ErrorCode NameTaken = new("NAME_TAKEN", 409, "Name already in use");
    public static readonly ErrorCode LimitReached = new("LIMIT_REACHED", 409, "Limit reached");
    public static readonly ErrorCode OrganizationHasSubgroups = new("ORGANIZATION_HAS_SUBGROUPS", 409, "Organization has business groups");
    public static readonly ErrorCode RootOrganizationProtected = new("ROOT_ORGANIZATION_PROTECTED", 409, "Root organization cannot be deleted");
    public static readonly ErrorCode LastEnvironment = new("LAST_ENVIRONMENT", 409, "Last environment");
    public static readonly ErrorCode CannotDeleteSelf = new("CANNOT_DELETE_SELF", 409, "Cannot delete own user");
    public static readonly ErrorCode ConfirmationPending = new("CONFIRMATION_PENDING", 409, "Confirmation pending");
    public static readonly ErrorCode StoreEncryptionFixed = new("STORE_ENCRYPTION_FIXED", 409, "Store encryption cannot change");

    // Protocol-level rejections.
    public static readonly ErrorCode MethodNotAllowed = new("METHOD_NOT_ALLOWED", 405, "Method not allowed");
    public static readonly ErrorCode NotAcceptable = new("NOT_ACCEPTABLE", 406, "Not acceptable");
    public static readonly ErrorCode RequestTimeout = new("REQUEST_TIMEOUT", 408, "Request timeout");
    public static readonly ErrorCode ValueTooLarge = new("VALUE_TOO_LARGE", 413, "Value too large");
    public static readonly ErrorCode BodyTooLarge = new("BODY_TOO_LARGE", 413, "Request body too large");
    public static readonly ErrorCode UriTooLong = new("URI_TOO_LONG", 414, "Request URI too long");
    public static readonly ErrorCode UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported media type");
    public static readonly ErrorCode HeadersTooLarge = new("HEADERS_TOO_LARGE", 431, "Request headers too large");
    public static readonly ErrorCode RateLimited = new("RATE_LIMITED", 429, "Too many requests");
    public static readonly ErrorCode BadRequest = new("BAD_REQUEST", 400, "Bad request");
    public static readonly ErrorCode InvalidPrecondition = new("INVALID_PRECONDITION", 400, "Invalid precondition header");

    // 412: a conditional write's precondition does not hold.
    public static readonly ErrorCode KeyAlreadyExists = new("KEY_ALREADY_EXISTS", 412, "Key already exists");
    public static readonly ErrorCode VersionMismatch = new("VERSION_MISMATCH", 412, "Version mismatch");

    // Server side.
    public static readonly ErrorCode StorageUnavailable = new("STORAGE_UNAVAILABLE", 503, "Storage unavailable");
    public static readonly ErrorCode StorageFull = new("STORAGE_FULL", 503, "Storage full");
    public static readonly ErrorCode StorageReadOnly = new("STORAGE_READ_ONLY", 503, "Storage read-only");
    public static readonly ErrorCode InternalError = new("INTERNAL_ERROR", 500, "Internal error");

    /// <summary>Every code above, for the documentation check and lookups.</summary>
    public static IReadOnlyList<ErrorCode> All { get; } = typeof(ErrorCodes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorCode))
        .Select(f => (ErrorCode)f.GetValue(null)!)
        .ToArray();
}
