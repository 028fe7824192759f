package app

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/audit"
)

// FindingsError reports an audit that found something: exit code 1.
type FindingsError struct{ N int }

// Error says how many findings the audit made.
func (e FindingsError) Error() string { return fmt.Sprintf("audit: %d findings", e.N) }

func newAuditCommand(g *globals) *cobra.Command {
	var profilePath, output string
	var stealWindow time.Duration
	cmd := &cobra.Command{
		Use:   "audit [--profile FILE] [-o text|json]",
		Short: "Compare the host with the profile: why is latency bad? Exit 0 when clean, 1 with findings",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return usagef("-o: unknown output format %q (want text or json)", output)
			}
			if stealWindow < 0 {
				return usagef("--steal-window: must not be negative, got %s", stealWindow)
			}
			h, err := g.planHost(cmd, profilePath)
			if err != nil {
				return err
			}
			findings := audit.Sorted(audit.Run(cmd.Context(), h.root, h.machine, h.plan, audit.Options{StealWindow: stealWindow}))
			if err := writeFindings(cmd, findings, output); err != nil {
				return err
			}
			if len(findings) > 0 {
				return FindingsError{len(findings)}
			}
			return nil
		},
	}
	profileFlag(cmd, &profilePath)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	cmd.Flags().DurationVar(&stealWindow, "steal-window", time.Second, "how long to sample hypervisor steal (0 skips it)")
	return cmd
}

func writeFindings(cmd *cobra.Command, findings []audit.Finding, output string) error {
	w := cmd.OutOrStdout()
	if output == "json" {
		if findings == nil {
			findings = []audit.Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Clean    bool            `json:"clean"`
			Findings []audit.Finding `json:"findings"`
		}{len(findings) == 0, findings})
	}
	if len(findings) == 0 {
		_, err := fmt.Fprintln(w, "clean: the host matches the profile")
		return err
	}
	for _, f := range findings {
		if _, err := fmt.Fprintf(w, "%-7s %-18s %s\n", f.Severity, f.Check, f.Message); err != nil {
			return err
		}
	}
	return nil
}
