using System.Text;

// The ceiling for the data plane's GET: the same Kestrel, no middleware, no storage, no
// auth, and a constant body shaped and sized like Stowage's answer for a 1 KB STRING value,
// so the comparison measures what Stowage adds, not the bytes on the wire.
// Settings are read once: a reloading host watches its content root, the harness's work
// directory, which holds the other servers' data directories, and every write they make
// would wake this process's file watcher (performance.md, "The ceiling watched the others'
// writes").
var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();

var body = Encoding.UTF8.GetBytes(
    "{\"keyId\":\"hot\",\"valueType\":\"STRING\",\"stringValue\":\"" + new string('v', 1024)
    + "\",\"expiresAt\":\"2030-01-01T00:00:00.000Z\",\"version\":\"0000000000000001\"}");

app.MapGet("/value", () => Results.Bytes(body, "application/json; charset=utf-8"));
app.MapGet("/healthz", () => Results.Text("ok"));
app.Run();
