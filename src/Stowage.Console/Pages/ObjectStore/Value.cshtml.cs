using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>
/// One key's value: shown as text (STRING, NUMBER) or as size, hex and base64 preview and a
/// download (BINARY), with its version and expiry; edit and delete are compare-and-set on
/// the version the page showed (the API's If-Match), so a concurrent change is refused
/// instead of lost. Viewing does not count as a read: it never extends a rolling TTL.
/// </summary>
public sealed class ValueModel(ObjectStoreService stores) : ObjectStorePageModel
{
    /// <summary>Bytes shown in the hex and base64 previews of a BINARY value.</summary>
    public const int PreviewBytes = 256;

    /// <summary>Values up to this size can be edited in the page; bigger ones are too large for a text box.</summary>
    public const int EditableBytes = 256 * 1024;

    [BindProperty(SupportsGet = true, Name = "store")]
    public string? StoreId { get; set; }

    [BindProperty(SupportsGet = true, Name = "partition")]
    public string? Partition { get; set; }

    [BindProperty(SupportsGet = true, Name = "key")]
    public string? Key { get; set; }

    public Entry? Entry { get; private set; }

    /// <summary>The edit form: the value as opened, or as typed when a save was refused.</summary>
    public (string Type, string Text, string LineBreaks, string Version) Edit { get; private set; }

    public string Here => ObjectStoreLinks.Value(StoreId ?? string.Empty, Partition ?? string.Empty, Key ?? string.Empty);

    public string Version => Entry is null ? string.Empty : FormatVersion(Entry.Version);

    public bool Editable => Entry is not null && Entry.Value.Data.Length <= EditableBytes;

    /// <summary>The value as text, for STRING and NUMBER.</summary>
    public string Text => Entry is null ? string.Empty : Encoding.UTF8.GetString(Entry.Value.Data);

    public async Task<IActionResult> OnGetAsync()
    {
        var error = await LoadAsync();
        return error is null ? Page() : Failed(error);
    }

    /// <summary>The raw bytes, exactly as stored (never transcoded), as a file named after the key.</summary>
    public async Task<IActionResult> OnGetDownloadAsync()
    {
        if (await LoadAsync() is { } error)
        {
            return Failed(error);
        }

        return File(Entry!.Value.Data, "application/octet-stream", FileName(Key!));
    }

    public async Task<IActionResult> OnPostSaveAsync(string? valueType, string? value, string? lineBreaks, string? version, string? environment)
    {
        var address = Address();
        var parsed = ValueInput.Parse(valueType, value, lineBreaks);
        var error = address.Error ?? CheckEnvironment(environment) ?? parsed.Error;
        if (error is null)
        {
            var written = await stores.PutAsync(address.Value, parsed.Value, null, Expected(version), HttpContext.RequestAborted);
            error = written.Error;
        }

        if (error is null)
        {
            return Done(Here, $"Key '{Key}' saved.");
        }

        // Keep what was typed (and the version it was based on), so nothing is lost and a
        // second Save cannot overwrite the change it was refused for.
        await LoadAsync();
        var failure = Failed(Explain(error));
        Edit = (valueType ?? "STRING", value ?? string.Empty, lineBreaks ?? "lf", version ?? string.Empty);
        return failure;
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? version, string? environment)
    {
        var address = Address();
        var error = address.Error ?? CheckEnvironment(environment);
        if (error is null)
        {
            error = await stores.DeleteAsync(address.Value, Expected(version).IfVersion, HttpContext.RequestAborted);
        }

        if (error is null)
        {
            return Done(ObjectStoreLinks.Keys(StoreId!, Partition!), $"Key '{Key}' deleted.");
        }

        await LoadAsync();
        return Failed(Explain(error));
    }

    /// <summary>An ETag's hex digits, as the API writes them.</summary>
    public static string FormatVersion(long version) => version.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A download name from the key: path separators and characters that are unsafe in file names become '_'.</summary>
    public static string FileName(string key)
    {
        var name = new StringBuilder(Math.Min(key.Length, 120));
        foreach (var c in key.Take(120))
        {
            name.Append(char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        var text = name.ToString().Trim('.');
        return text.Length == 0 ? "value.bin" : text;
    }

    /// <summary>The version the form was opened with; an unreadable one is 0, which never matches.</summary>
    private static WriteCondition Expected(string? version) =>
        WriteCondition.Version(
            version is { Length: 16 } && long.TryParse(version, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0);

    private Error Explain(Error error) =>
        error.Code == ErrorCodes.VersionMismatch
            ? new Error(error.Code, $"Not saved: key '{Key}' was changed or deleted by someone else after you opened it. Reload to see the current value, then make your change again.")
            : error;

    private Result<KeyAddress> Address()
    {
        var partition = PartitionFor(StoreId, Partition);
        if (!partition.IsSuccess)
        {
            return partition.Error!;
        }

        return Names.CheckKey(Key ?? string.Empty) is { } invalid ? invalid : new KeyAddress(partition.Value, Key!);
    }

    private async Task<Error?> LoadAsync()
    {
        var address = Address();
        if (!address.IsSuccess)
        {
            return address.Error;
        }

        var entry = await stores.PeekAsync(address.Value, HttpContext.RequestAborted);
        if (!entry.IsSuccess)
        {
            return entry.Error;
        }

        Entry = entry.Value;
        var text = Entry.Value.Kind == ValueKind.Binary ? Convert.ToBase64String(Entry.Value.Data) : Text;
        Edit = (ValueInput.Name(Entry.Value.Kind), Editable ? text : string.Empty, ValueInput.LineBreaks(text), Version);
        return null;
    }
}
