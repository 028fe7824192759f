package app

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/plan"
	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

func newPlanCommand(g *globals) *cobra.Command {
	var output, profilePath string
	cmd := &cobra.Command{
		Use:   "plan [--profile FILE]",
		Short: "Show what applying a profile would change on this host (writes nothing)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" && output != "yaml" {
				return usagef("-o: unknown output format %q (want text, json or yaml)", output)
			}
			h, err := g.planHost(cmd, profilePath)
			if err != nil {
				return err
			}
			return writePlan(cmd, h.plan, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text, json or yaml")
	profileFlag(cmd, &profilePath)
	return cmd
}

// profileFlag adds --profile, the profile plan, apply and audit read.
func profileFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVarP(path, "profile", "p", "", "NodeProfile or OpenShift PerformanceProfile YAML (default: the embedded default)")
}

// plannedHost is a host root, its machine and the plan of a profile on it.
type plannedHost struct {
	root    hostfs.Root
	machine *topology.Machine
	plan    *plan.Plan
}

// planHost loads the profile, discovers the --root host and plans the
// profile on it; a profile that does not fit is a usage error. The plan's
// notes start with what a PerformanceProfile translation left out.
func (g *globals) planHost(cmd *cobra.Command, profilePath string) (*plannedHost, error) {
	p, notes, err := loadProfile(profilePath)
	if err != nil {
		return nil, err
	}
	root, err := g.hostRoot()
	if err != nil {
		return nil, err
	}
	m, err := discover.New(root, g.logger()).WithSysctls(sysctlNames(p)...).Discover(cmd.Context())
	if err != nil {
		return nil, err
	}
	pl, err := plan.Compute(m, p)
	if err != nil {
		return nil, UsageError{fmt.Errorf("profile %s: %w", profileName(profilePath), err)}
	}
	pl.Notes = append(notes, pl.Notes...)
	return &plannedHost{root, m, pl}, nil
}

// loadProfile reads and parses a profile file, or returns the default.
func loadProfile(path string) (*profile.NodeProfile, []string, error) {
	if path == "" {
		return profile.Default(), nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, usagef("--profile: %v", err)
	}
	p, notes, err := profile.Parse(data)
	if err != nil {
		return nil, nil, UsageError{fmt.Errorf("profile %s: %w", path, err)}
	}
	return p, notes, nil
}

func profileName(path string) string {
	if path == "" {
		return "(default)"
	}
	return path
}

func sysctlNames(p *profile.NodeProfile) []string {
	names := make([]string, 0, len(p.Spec.Sysctl))
	for k := range p.Spec.Sysctl {
		names = append(names, k)
	}
	return names
}

func writePlan(cmd *cobra.Command, pl *plan.Plan, output string) error {
	w := cmd.OutOrStdout()
	switch output {
	case "text":
		_, err := fmt.Fprint(w, pl.Text())
		return err
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(pl)
	}
	b, err := json.Marshal(pl)
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(b)
	if err != nil {
		return err
	}
	_, err = w.Write(y)
	return err
}
