package app

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/spf13/cobra"
	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/apply"
	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

func newExecCommand(g *globals) *cobra.Command {
	var cpus string
	cmd := &cobra.Command{
		Use:   "exec [--cpus LIST] -- CMD [ARGS...]",
		Short: "Run a program on isolated cpus of a tuned host (enter the isolated cpuset, pin, exec)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("exec needs a command after --")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := g.hostRoot()
			if err != nil {
				return err
			}
			m, err := discover.New(root, g.logger()).Discover(cmd.Context())
			if err != nil {
				return err
			}
			want, err := execCPUs(cpus)
			if err != nil {
				return err
			}
			bin, err := exec.LookPath(args[0])
			if err != nil {
				return usagef("exec: %v", err)
			}
			if err := apply.EnterIsolated(root, m, want); err != nil {
				return UsageError{err}
			}
			return fmt.Errorf("exec %s: %w", bin, syscall.Exec(bin, args, os.Environ()))
		},
	}
	cmd.Flags().StringVar(&cpus, "cpus", "", "isolated cpus to run on (default: all isolated cpus)")
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// execCPUs parses --cpus; empty means every isolated CPU.
func execCPUs(list string) (cpuset.CPUSet, error) {
	if list == "" {
		return cpuset.New(), nil
	}
	set, err := topology.ParseCPUList(list)
	if err != nil || set.IsEmpty() {
		return set, usagef("--cpus: %q is not a cpulist", list)
	}
	return set, nil
}
