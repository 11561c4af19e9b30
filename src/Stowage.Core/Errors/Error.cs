namespace Stowage.Core.Errors;

/// <summary>An expected failure: a catalog code plus a message safe to show the caller.</summary>
public sealed record Error(ErrorCode Code, string Message)
{
    public int Status => Code.Status;
}

/// <summary>Either a value or an <see cref="Error"/>. Expected failures travel as results, not exceptions.</summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException($"Result holds error {Error.Code}.");

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Error error) => new(default, error);

    public static Result<T> Fail(ErrorCode code, string message) => new(default, new Error(code, message));

    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Error error) => Fail(error);
}
