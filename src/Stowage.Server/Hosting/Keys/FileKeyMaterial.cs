namespace Stowage.Server.Hosting.Keys;

/// <summary>
/// Key material as owner-only files under <c>&lt;DataDirectory&gt;/keys</c> (folders 0700, files
/// 0600): one machine, or nodes that share that folder. Each file is created exactly once,
/// even when several processes start at the same moment.
/// </summary>
public sealed class FileKeyMaterial(string keysDirectory) : IKeyMaterial
{
    public string Setting => StowageOptions.SectionName + ":DataDirectory";

    public string Directory => keysDirectory;

    public string Describe(string name) => $"'{PathOf(name)}'";

    public byte[] ReadOrCreate(string name, Func<byte[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var path = PathOf(name);
        try
        {
            if (File.Exists(path))
            {
                OwnerOnlyFile.Restrict(path);
                return File.ReadAllBytes(path);
            }

            CreateFolder(Path.GetDirectoryName(path)!);

            // Written whole to a private temporary file (0600 from creation), then moved into
            // place without overwriting: of two nodes racing, one wins and both use its key.
            var contents = create();
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            try
            {
                WriteNew(temporary, contents);
                try
                {
                    File.Move(temporary, path, overwrite: false);
                    return contents;
                }
                catch (IOException) when (File.Exists(path))
                {
                    return File.ReadAllBytes(path);
                }
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupConfigurationException(Setting, $"key file '{path}' is unusable: {e.Message}", e);
        }
    }

    public IReadOnlyList<byte[]> ReadAll(string folder)
    {
        var path = PathOf(folder);
        return System.IO.Directory.Exists(path)
            ? [.. System.IO.Directory.EnumerateFiles(path)
                .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)) // a write that never finished
                .Order(StringComparer.Ordinal).Select(File.ReadAllBytes)]
            : [];
    }

    public void Write(string name, byte[] contents)
    {
        var path = PathOf(name);
        CreateFolder(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            WriteNew(temporary, contents);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string PathOf(string name) => Path.Combine(keysDirectory, name.Replace('/', Path.DirectorySeparatorChar));

    private static void WriteNew(string path, byte[] contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(contents);
        stream.Flush(flushToDisk: true);
    }

    private static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else
        {
            // Owner-only like the data directory; an existing folder keeps its owner's choice.
            System.IO.Directory.CreateDirectory(path, DataDirectory.OwnerOnlyFolder);
        }
    }
}
