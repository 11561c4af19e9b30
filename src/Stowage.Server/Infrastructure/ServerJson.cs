using System.Text.Encodings.Web;
using System.Text.Json;
using Stowage.Contracts;

namespace Stowage.Server.Infrastructure;

/// <summary>
/// JSON output settings. Responses are application/json, never embedded in HTML, so
/// characters such as '+', '\'' and non-ASCII letters are written as themselves rather than
/// as \u escapes: keys read back exactly as users typed them, also in a terminal.
/// </summary>
public static class ServerJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    public static readonly StowageJsonContext Context = new(new JsonSerializerOptions(StowageJsonContext.Default.Options) { Encoder = Encoder });
}
