using System.Net;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Client;

/// <summary>
/// A non-success answer from the server. <see cref="Exception.Message"/> is the server's
/// <c>message</c> (or the status text when the body is not a problem document); it never
/// contains the token.
/// </summary>
public sealed class StowageApiException : Exception
{
    /// <summary>Creates an exception for a failed call.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="code">The stable error code, if the server sent one.</param>
    /// <param name="message">The message.</param>
    /// <param name="problem">The parsed error body, if it was JSON.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if any.</param>
    public StowageApiException(HttpStatusCode statusCode, string? code, string message, ProblemDto? problem = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
        Problem = problem;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The HTTP status code as a number.</summary>
    public int Status => (int)StatusCode;

    /// <summary>
    /// The stable error code (for example <c>KEY_NOT_FOUND</c>): the body's <c>code</c>, or
    /// its OAuth <c>error</c>; null when the body had neither.
    /// </summary>
    public string? Code { get; }

    /// <summary>The parsed error body, or null when it was not JSON.</summary>
    public ProblemDto? Problem { get; }

    /// <summary>How long to wait before retrying, from the <c>Retry-After</c> header (429).</summary>
    public TimeSpan? RetryAfter { get; }

    internal static async Task<StowageApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var problem = TryParseProblem(body);
        var code = problem?.Code ?? ExtensionString(problem, "error");
        var message = FirstNonBlank(
            problem?.Message,
            problem?.Detail,
            ExtensionString(problem, "error_description"),
            problem?.Title)
            ?? $"{(int)response.StatusCode} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
        return new StowageApiException(response.StatusCode, code, message, problem, RetryAfterOf(response));
    }

    /// <summary>
    /// This exception, or, when the server echoed <paramref name="secret"/> back in its error
    /// body, a copy whose message has it masked and which drops the body: a secret must never
    /// reach a log through an exception.
    /// </summary>
    internal StowageApiException WithoutSecret(string secret)
    {
        if (!Mentions(Message, secret) && !Mentions(Code, secret) && !ProblemMentions(Problem, secret))
        {
            return this;
        }

        return new StowageApiException(
            StatusCode,
            Mentions(Code, secret) ? null : Code,
            Message.Replace(secret, "***", StringComparison.Ordinal),
            problem: null,
            RetryAfter);
    }

    private static bool Mentions(string? text, string secret)
        => text is not null && text.Contains(secret, StringComparison.Ordinal);

    private static bool ProblemMentions(ProblemDto? problem, string secret)
        => problem is not null
            && (Mentions(problem.Type, secret)
                || Mentions(problem.Title, secret)
                || Mentions(problem.Detail, secret)
                || Mentions(problem.Message, secret)
                || Mentions(problem.Code, secret)
                || (problem.Extensions?.Values.Any(value => ElementMentions(value, secret)) ?? false));

    private static bool ElementMentions(JsonElement element, string secret)
        => element.ValueKind switch
        {
            JsonValueKind.String => Mentions(element.GetString(), secret),
            JsonValueKind.Object => element.EnumerateObject().Any(member => Mentions(member.Name, secret) || ElementMentions(member.Value, secret)),
            JsonValueKind.Array => element.EnumerateArray().Any(item => ElementMentions(item, secret)),
            _ => false,
        };

    private static ProblemDto? TryParseProblem(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, StowageJsonContext.Default.ProblemDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ExtensionString(ProblemDto? problem, string name)
        => problem?.Extensions is { } extensions
            && extensions.TryGetValue(name, out var element)
            && element.ValueKind == JsonValueKind.String
                ? element.GetString()
                : null;

    private static string? FirstNonBlank(params string?[] candidates)
        => candidates.FirstOrDefault(candidate => !string.IsNullOrWhiteSpace(candidate));

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date && response.Headers.Date is { } now ? date - now : null;
    }
}
