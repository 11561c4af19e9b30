using Stowage.ObjectStore;

namespace Stowage.Storage.Contract;

/// <summary>
/// A backend stores values as it is given them: bytes, encryption flag and counted size come
/// back unchanged; a value sealed for the other setting than the store's is refused without
/// a trace; a pending write keeps the confirmation id it was given.
/// </summary>
public abstract partial class ObjectStoreRepositoryContract
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteEntry_PersistedValue_ComesBackExactlyAsGiven(bool encrypted)
    {
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = encrypted });
        var given = new PersistedValue(ValueKind.Binary, [0, 1, 2, 254, 255], encrypted, Size: 12_345);

        var result = await Repository.WriteEntryAsync(Key("k"), given, null, WriteCondition.None, T0, CancellationToken.None);
        var (read, failure) = await Repository.GetEntryAsync(Key("k"), T0, CancellationToken.None);

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.Equal(LookupFailure.None, failure);
        Assert.Equal((given.Kind, given.Encrypted, given.Size), (read!.Value.Kind, read.Value.Encrypted, read.Value.Size));
        Assert.Equal(given.Bytes, read.Value.Bytes);
        Assert.Equal((result.Version, result.Expiry), (read.Version, read.Expiry));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WriteEntry_SealedForTheOtherSetting_RefusedAndChangesNothing(bool storeEncrypts)
    {
        await CreateStoreAsync(settings: Rolling60 with { Encrypted = storeEncrypts });
        var wrong = new PersistedValue(ValueKind.String, "v"u8.ToArray(), !storeEncrypts, 2);

        var direct = await Repository.WriteEntryAsync(Key("k"), wrong, null, WriteCondition.None, T0, CancellationToken.None);
        var pending = await Repository.WritePendingAsync(Key("k"), wrong, null, WriteCondition.None, EntryRules.NewConfirmationId(), T0, CancellationToken.None);

        Assert.Equal(WriteOutcome.EncryptionMismatch, direct.Outcome);
        Assert.Equal(WriteOutcome.EncryptionMismatch, pending.Outcome);
        Assert.Equal(LookupFailure.KeyNotFound, (await Repository.GetEntryAsync(Key("k"), T0, CancellationToken.None)).Failure);
        Assert.Empty((await Repository.ListPartitionsAsync(Store, All(), CancellationToken.None))!.Items);
    }

    [Fact]
    public async Task WritePending_ConfirmationIdGiven_IsTheOneThatConfirms()
    {
        await CreateStoreAsync();
        var id = EntryRules.NewConfirmationId();
        var value = await SealAsync(Key("k"), Text("pending"));

        var result = await Repository.WritePendingAsync(Key("k"), value, null, WriteCondition.None, id, T0, CancellationToken.None);

        Assert.Equal(WriteOutcome.Created, result.Outcome);
        Assert.Equal(TtlPolicy.PendingDiscardAt(Rolling60, T0), result.DiscardAt);
        Assert.Equal(WriteOutcome.ConfirmationNotFound, await Repository.ConfirmPendingAsync(Key("k"), EntryRules.NewConfirmationId(), T0, CancellationToken.None));
        Assert.Equal(WriteOutcome.Created, await Repository.ConfirmPendingAsync(Key("k"), id, T0, CancellationToken.None));
        Assert.Equal(result.Version, (await Repository.GetEntryAsync(Key("k"), T0, CancellationToken.None)).Entry!.Version);
    }
}
