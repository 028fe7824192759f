// Package app builds rtnode's command tree. Commands parse flags, construct
// the packages that do the work and call them; they hold no logic of their
// own.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/hostfs"
)

// UsageError marks an error caused by bad input (a flag, a path, a file);
// rtnode exits 2 for it.
type UsageError struct{ Err error }

// Error is the wrapped error's message.
func (e UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// ExitCode maps an error to rtnode's exit code: 2 for bad input, 1 otherwise.
func ExitCode(err error) int {
	var u UsageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// globals are the flags every command shares.
type globals struct {
	root    string
	verbose bool
}

// NewCommand returns the rtnode command tree.
func NewCommand() *cobra.Command {
	g := &globals{}
	cmd := &cobra.Command{
		Use:           "rtnode",
		Short:         "Make a Kubernetes edge node deterministic for real-time workloads",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q (see rtnode --help)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&g.root, "root", "/", "host root: / live, /host in a DaemonSet, or an unpacked snapshot")
	cmd.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "debug logs on stderr")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return UsageError{err} })
	cmd.AddCommand(newDiscoverCommand(g), newSnapshotCommand(g), newPlanCommand(g), newApplyCommand(g), newRevertCommand(g), newAuditCommand(g), newExecCommand(g), newDemoCommand(g), newVersionCommand())
	return cmd
}

// hostRoot opens the --root directory; a bad one is a usage error.
func (g *globals) hostRoot() (hostfs.Root, error) {
	r, err := hostfs.New(g.root)
	if err != nil {
		return hostfs.Root{}, UsageError{fmt.Errorf("--root: %w", err)}
	}
	return r, nil
}

func (g *globals) logger() *slog.Logger {
	level := slog.LevelWarn
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
