package app

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/snapshot"
)

func newSnapshotCommand(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "snapshot -o FILE.tar.gz",
		Short: "Capture what discovery reads from /sys and /proc into a tar.gz (for bug reports and tests)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usagef("-o: an output file is required")
			}
			if _, err := os.Lstat(output); err == nil {
				return usagef("-o: %s already exists; rtnode snapshot does not overwrite files", output)
			}
			root, err := g.hostRoot()
			if err != nil {
				return err
			}
			res, err := snapshot.CaptureFile(cmd.Context(), root, output)
			if err != nil {
				return err
			}
			log := g.logger()
			for _, s := range res.Skipped {
				log.Warn("snapshot skipped", "what", s)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d skipped); replay with: mkdir DIR && tar -xzf %s -C DIR && rtnode discover --root DIR\n",
				output, len(res.Skipped), output)
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "the tar.gz file to write (must not exist)")
	return cmd
}
