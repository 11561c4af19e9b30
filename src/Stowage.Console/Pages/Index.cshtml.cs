namespace Stowage.Console.Pages;

/// <summary>The start page: where to go next.</summary>
public sealed class IndexModel : ConsolePageModel
{
    public void OnGet()
    {
    }
}
