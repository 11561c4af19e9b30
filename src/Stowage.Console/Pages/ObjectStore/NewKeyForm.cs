using Microsoft.AspNetCore.Mvc;
using Stowage.Core.Errors;
using Stowage.ObjectStore;

namespace Stowage.Console.Pages.ObjectStore;

/// <summary>The "New key" form: partition (created by the first key, as in the API), key, type and value.</summary>
public sealed class NewKeyForm
{
    [FromForm(Name = "partition")]
    public string? Partition { get; set; }

    [FromForm(Name = "key")]
    public string? Key { get; set; }

    [FromForm(Name = "valueType")]
    public string? ValueType { get; set; }

    [FromForm(Name = "value")]
    public string? Value { get; set; }

    /// <summary>Creates the key only if it does not exist (the API's <c>If-None-Match: *</c>): a form called "New key" must not overwrite one.</summary>
    public async Task<Result<KeyAddress>> CreateAsync(ObjectStoreService stores, StoreAddress store, CancellationToken cancellationToken)
    {
        var partition = Partition ?? string.Empty;
        var key = Key ?? string.Empty;
        if ((Names.CheckPartition(partition) ?? Names.CheckKey(key)) is { } invalid)
        {
            return invalid;
        }

        var value = ValueInput.Parse(ValueType, Value, "lf");
        if (!value.IsSuccess)
        {
            return value.Error!;
        }

        var address = new KeyAddress(new PartitionAddress(store, partition), key);
        var written = await stores.PutAsync(address, value.Value, null, WriteCondition.Absent, cancellationToken);
        return written.IsSuccess ? address : written.Error!;
    }
}
