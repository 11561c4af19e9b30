using System.CommandLine;
using Stowage.Cli.Infrastructure;

namespace Stowage.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh</c>: a script that asks the CLI itself for completions through
/// System.CommandLine's <c>[suggest]</c> directive, so commands, options and their values
/// complete with nothing else installed.
/// </summary>
public static class CompletionCommand
{
    private static readonly Argument<string> Shell = new("SHELL") { Description = "bash or zsh" };

    private const string Bash = """
        # stowage completion for bash: eval "$(stowage completion bash)" (e.g. in ~/.bashrc)
        _stowage_complete() {
            local IFS=$'\n'
            local line="${COMP_LINE:0:COMP_POINT}"
            local cword="${COMP_WORDS[COMP_CWORD]}"
            COMPREPLY=( $(compgen -W "$(stowage "[suggest:${#line}]" "$line" 2>/dev/null)" -- "$cword") )
        }
        complete -o default -F _stowage_complete stowage

        """;

    private const string Zsh = """
        # stowage completion for zsh: eval "$(stowage completion zsh)" (e.g. in ~/.zshrc)
        _stowage_complete() {
            local line="$BUFFER"
            local -a candidates
            candidates=("${(@f)$(stowage "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -a candidates
        }
        compdef _stowage_complete stowage

        """;

    public static Command Create()
    {
        Shell.AcceptOnlyFromAmong("bash", "zsh");
        return new Command("completion", "Print a shell completion script: eval \"$(stowage completion bash)\"") { Shell }
            .Handle((context, _) =>
            {
                context.Terminal.Output.Write(context.Value(Shell) == "zsh" ? Zsh : Bash);
                return Task.CompletedTask;
            });
    }
}
