package app

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/apply"
)

// crashEnv is the crash tests' hook: kill -9 after that many writes.
const crashEnv = "RTNODE_TEST_CRASH_AFTER"

func newApplyCommand(g *globals) *cobra.Command {
	var profilePath, stateDir string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply [--profile FILE] [--dry-run]",
		Short: "Tune this host as the profile says, journaling every original value first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := g.planHost(cmd, profilePath)
			if err != nil {
				return err
			}
			crash, _ := strconv.Atoi(os.Getenv(crashEnv))
			a := apply.New(h.root, apply.Options{StateDir: stateDir, DryRun: dryRun, CrashAfter: crash, Log: g.logger()})
			rep, err := a.Apply(cmd.Context(), h.plan)
			printReport(cmd.OutOrStdout(), rep, dryRun, h.plan.Notes)
			return err
		},
	}
	profileFlag(cmd, &profilePath)
	stateDirFlag(cmd, &stateDir)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would change and change nothing")
	return cmd
}

func newRevertCommand(g *globals) *cobra.Command {
	var stateDir string
	cmd := &cobra.Command{
		Use:   "revert",
		Short: "Restore every value rtnode changed and remove what it created",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := g.hostRoot()
			if err != nil {
				return err
			}
			rep, err := apply.New(root, apply.Options{StateDir: stateDir, Log: g.logger()}).Revert(cmd.Context())
			printReport(cmd.OutOrStdout(), rep, false, nil)
			return err
		},
	}
	stateDirFlag(cmd, &stateDir)
	return cmd
}

// stateDirFlag adds --state-dir, the journal apply, revert and demo share.
func stateDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "state-dir", apply.DefaultStateDir, "where the journal of original values is kept")
}

func printReport(w io.Writer, rep *apply.Report, dryRun bool, notes []string) {
	verb := "changed"
	if dryRun {
		verb = "would change"
	}
	fmt.Fprintf(w, "%s %d:\n", verb, len(rep.Changed))
	for _, c := range rep.Changed {
		from := c.From
		if from == "" {
			from = "-"
		}
		fmt.Fprintf(w, "  %-20s %s: %s -> %s\n", c.Kind, c.Target, from, c.To)
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "not changed (the kernel refuses), %d:\n", len(rep.Skipped))
		for _, p := range rep.Skipped {
			fmt.Fprintf(w, "  %s: %s\n", p.Target, p.Reason)
		}
	}
	if len(rep.Failed) > 0 {
		fmt.Fprintf(w, "failed, %d:\n", len(rep.Failed))
		for _, p := range rep.Failed {
			fmt.Fprintf(w, "  %s: %s\n", p.Target, p.Reason)
		}
	}
	for _, n := range append(notes, rep.Notes...) {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
