using System.Text.Json.Serialization;
using Stowage.Cli.Bulk;
using Stowage.Cli.Commands;
using Stowage.Cli.Config;

namespace Stowage.Cli;

/// <summary>Source-generated JSON for the CLI's own documents: the config file, export lines, checkpoints, summaries.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConfigDocument))]
[JsonSerializable(typeof(ExportHeader))]
[JsonSerializable(typeof(ImportCheckpoint))]
[JsonSerializable(typeof(TransferSummary))]
[JsonSerializable(typeof(ProfileView))]
[JsonSerializable(typeof(GroupRow))]
[JsonSerializable(typeof(UsageRow))]
[JsonSerializable(typeof(KeyWriteResult))]
[JsonSerializable(typeof(KeyItem))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
