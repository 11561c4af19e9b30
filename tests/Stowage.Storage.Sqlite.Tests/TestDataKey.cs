using Stowage.Core.Security;
using Stowage.ObjectStore;

namespace Stowage.Storage.Sqlite.Tests;

/// <summary>
/// One fixed data key for the whole test run, so that every repository opened on a file
/// (a second node, a reopened database) reads what another wrote, as nodes sharing a key do.
/// </summary>
internal static class TestDataKey
{
    public static IValueProtector Protector { get; } =
        new AesGcmValueProtector(new AesGcmProtector(Enumerable.Range(1, AesGcmProtector.KeySize).Select(i => (byte)i).ToArray(), 1));
}
