package app

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/discover"
)

func newDiscoverCommand(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "discover",
		Short: "Print the machine model: CPUs, cores, NUMA nodes, devices, IRQs, kernel",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("-o: unknown output format %q (want text or json)", output)
			}
			root, err := g.hostRoot()
			if err != nil {
				return err
			}
			m, err := discover.New(root, g.logger()).Discover(cmd.Context())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if output == "text" {
				_, err = fmt.Fprint(w, m.Tree())
				return err
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(m)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	return cmd
}
