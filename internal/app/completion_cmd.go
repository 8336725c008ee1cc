package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// completionCommand replaces cobra's default one (which it then does not
// add), so that it is listed and documented like the others.
func (r *root) completionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print the shell completion script",
		Long: `Print the completion script for your shell: commands, flags and their values
complete on Tab.`,
		Example: `  source <(epicevents completion bash)
  epicevents completion zsh > "${fpath[1]}/_epicevents"
  epicevents completion fish > ~/.config/fish/completions/epicevents.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: r.runCmd(nil, func(_ context.Context, args []string) error {
			switch args[0] {
			case "bash":
				return r.cmd.GenBashCompletionV2(r.stdout, true)
			case "zsh":
				return r.cmd.GenZshCompletion(r.stdout)
			case "fish":
				return r.cmd.GenFishCompletion(r.stdout, true)
			}
			return fmt.Errorf("completion: unknown shell %q", args[0])
		}),
	}
}
