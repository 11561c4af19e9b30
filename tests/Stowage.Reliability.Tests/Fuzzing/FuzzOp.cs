using System.Globalization;
using CsCheck;

namespace Stowage.Reliability.Tests.Fuzzing;

internal enum OpKind
{
    PutStore,
    GetStore,
    DeleteStore,
    ListStores,
    PutKey,
    GetKey,
    DeleteKey,
    ListKeys,
    ListValues,
    ListPartitions,
    ClearPartition,
    DeletePartition,
    DeleteAllPartitions,
    RenameEnvironment,
    ListEnvironments,
    Hostile,
}

/// <summary>
/// One generated request: indexes into the pools of <see cref="FuzzPools"/>, so CsCheck can
/// shrink a failing sequence to small indexes and few operations.
/// </summary>
internal sealed record FuzzOp(OpKind Kind, int Store, int Partition, int Key, int Value, int Hostile)
{
    public string StoreId => FuzzPools.Stores[Store];

    public string PartitionName => FuzzPools.Partitions[Partition];

    public string KeyId => FuzzPools.Keys[Key];

    public override string ToString() => Kind switch
    {
        OpKind.Hostile => $"Hostile #{Hostile} ({FuzzPools.HostileNames[Hostile]}) on store #{Store} partition #{Partition} key #{Key}",
        OpKind.RenameEnvironment => $"RenameEnvironment to #{Value}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Kind} store #{Store} partition #{Partition} key #{Key} value #{Value}"),
    };

    /// <summary>Mostly key writes and reads, which are what the model has most to say about.</summary>
    public static Gen<FuzzOp> Gen { get; } = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency(
            (3, CsCheck.Gen.Const(OpKind.PutStore)),
            (2, CsCheck.Gen.Const(OpKind.GetStore)),
            (1, CsCheck.Gen.Const(OpKind.DeleteStore)),
            (1, CsCheck.Gen.Const(OpKind.ListStores)),
            (12, CsCheck.Gen.Const(OpKind.PutKey)),
            (5, CsCheck.Gen.Const(OpKind.GetKey)),
            (3, CsCheck.Gen.Const(OpKind.DeleteKey)),
            (2, CsCheck.Gen.Const(OpKind.ListKeys)),
            (1, CsCheck.Gen.Const(OpKind.ListValues)),
            (1, CsCheck.Gen.Const(OpKind.ListPartitions)),
            (1, CsCheck.Gen.Const(OpKind.ClearPartition)),
            (1, CsCheck.Gen.Const(OpKind.DeletePartition)),
            (1, CsCheck.Gen.Const(OpKind.DeleteAllPartitions)),
            (1, CsCheck.Gen.Const(OpKind.RenameEnvironment)),
            (1, CsCheck.Gen.Const(OpKind.ListEnvironments)),
            (5, CsCheck.Gen.Const(OpKind.Hostile))),
        CsCheck.Gen.Int[0, FuzzPools.Stores.Length - 1],
        CsCheck.Gen.Int[0, FuzzPools.Partitions.Length - 1],
        CsCheck.Gen.Int[0, FuzzPools.Keys.Length - 1],
        CsCheck.Gen.Int[0, 1000],
        CsCheck.Gen.Int[0, FuzzPools.HostileNames.Length - 1],
        (kind, store, partition, key, value, hostile) => new FuzzOp(kind, store, partition, key, value, hostile));

    /// <summary>A sequence: 1 to 60 requests against a fresh environment.</summary>
    public static Gen<FuzzOp[]> Sequence { get; } = Gen.Array[1, 60];
}
