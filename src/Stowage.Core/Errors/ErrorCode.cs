namespace Stowage.Core.Errors;

/// <summary>A stable, documented error: the code clients match on, its HTTP status and title.</summary>
public sealed record ErrorCode(string Code, int Status, string Title)
{
    public override string ToString() => Code;
}
