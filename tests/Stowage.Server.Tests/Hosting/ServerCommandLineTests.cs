using Stowage.Server.Hosting;
using Kind = Stowage.Server.Hosting.ServerCommandLine.VerdictKind;

namespace Stowage.Server.Tests.Hosting;

public sealed class ServerCommandLineTests
{
    public static readonly TheoryData<string[]> Settings = new()
    {
        Array.Empty<string>(),
        (string[])["--urls", "http://127.0.0.1:8080"],
        (string[])["--urls=http://127.0.0.1:8080", "--Stowage:DataDirectory=/x"],
        (string[])["/Stowage:DataDirectory=/x", "/urls", "http://127.0.0.1:1"],
        (string[])["--Stowage:Storage:ConnectionString", "Host=a;Password=--x"],
        (string[])["--Stowage:Admin:Password", "-starts-with-a-dash"],
        (string[])["--environment=Development", "--contentRoot=/tmp", "--applicationName=Stowage.Server"],
    };

    public static readonly TheoryData<string[]> HelpRequests = new()
    {
        (string[])["--help"],
        (string[])["-h"],
        (string[])["--urls=http://127.0.0.1:1", "-?"],
        (string[])["help"],
    };

    public static readonly TheoryData<string[], string> Refused = new()
    {
        { ["serve"], "unknown command 'serve'; run with --help for usage" },
        { ["backup", "--to", "x"], "unknown command 'backup'; run with --help for usage" },
        { ["copydata"], "unknown command 'copydata'; run with --help for usage" },
        { ["--urls=http://127.0.0.1:1", "extra"], "unexpected argument 'extra'; run with --help for usage" },
        { ["-p", "8080"], "unexpected argument '-p'; run with --help for usage" },
        { ["---urls=x"], "unexpected argument '---urls=…'; run with --help for usage" },
        { ["--=x"], "unexpected argument '--=…'; run with --help for usage" },
        { ["--"], "unexpected argument '--'; run with --help for usage" },
        { ["--urls"], "the setting '--urls' has no value; run with --help for usage" },
        { ["--Stowage:DataDirectory=/x", "--Stowage:Durability"], "the setting '--Stowage:Durability' has no value; run with --help for usage" },
        { ["\u001b[31mred"], "unknown command '(an argument)'; run with --help for usage" },
        { ["Stowage:Admin:Password=hunter2-secret"], "unknown command 'Stowage:Admin:Password=…'; run with --help for usage" },
        { ["--urls=http://127.0.0.1:1", "-Stowage:Storage:ConnectionString=Host=a;Password=hunter2"], "unexpected argument '-Stowage:Storage:ConnectionString=…'; run with --help for usage" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Check_Settings_Serve(string[] args)
    {
        Assert.Equal(new ServerCommandLine.Verdict(Kind.Serve, null), ServerCommandLine.Check(args));
    }

    [Theory]
    [MemberData(nameof(HelpRequests))]
    public void Check_Help_Help(string[] args)
    {
        Assert.Equal(Kind.Help, ServerCommandLine.Check(args).Kind);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Check_Unknown_RefusedWithOneLine(string[] args, string line)
    {
        Assert.Equal(new ServerCommandLine.Verdict(Kind.Refuse, line), ServerCommandLine.Check(args));
    }
}
