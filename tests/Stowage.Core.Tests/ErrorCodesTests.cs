using System.Text.RegularExpressions;
using Stowage.Core.Errors;

namespace Stowage.Core.Tests;

public sealed class ErrorCodesTests
{
    [Fact]
    public void All_EveryCatalogField_IsListedOnce()
    {
        var fields = typeof(ErrorCodes).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Count(f => f.FieldType == typeof(ErrorCode));

        Assert.Equal(fields, ErrorCodes.All.Count);
        Assert.DoesNotContain(null, ErrorCodes.All);
    }

    [Fact]
    public void All_Codes_AreUnique()
    {
        var duplicates = ErrorCodes.All.GroupBy(c => c.Code, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);

        Assert.Empty(duplicates);
    }

    [Fact]
    public void All_Codes_AreUpperSnakeCaseWithErrorStatus()
    {
        Assert.All(ErrorCodes.All, c =>
        {
            Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", c.Code);
            Assert.InRange(c.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
        });
    }

    [Fact]
    public void All_Codes_AreDocumentedInErrorsMarkdown()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "errors.md");

        // docs/errors.md is written separately; until it exists there is nothing to compare.
        if (!File.Exists(path))
        {
            return;
        }

        var text = File.ReadAllText(path);
        var undocumented = ErrorCodes.All
            .Where(c => !Regex.IsMatch(text, $@"(?<![A-Z0-9_]){Regex.Escape(c.Code)}(?![A-Z0-9_])"))
            .Select(c => c.Code);

        Assert.Empty(undocumented);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Stowage.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Stowage.slnx above {AppContext.BaseDirectory}.");
    }
}
