package app

import "github.com/spf13/cobra"

func newSnapshotCommand(g *globals) *cobra.Command {
	return &cobra.Command{Use: "snapshot", Hidden: true}
}
