package app

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtnode/rtnode/pkg/apply"
	"github.com/rtnode/rtnode/pkg/rt"
)

func newDemoCommand(g *globals) *cobra.Command {
	var keep bool
	var duration time.Duration
	var stateDir string
	cmd := &cobra.Command{
		Use:   "demo [--keep] [--duration 15s]",
		Short: "Measure, tune, measure again and revert: the before/after a new user wants (make run)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if duration < time.Second {
				return usagef("--duration %s: must be at least 1s", duration)
			}
			rtbench, err := siblingBinary("rtbench")
			if err != nil {
				return err
			}
			h, err := g.planHost(cmd, "")
			if err != nil {
				return err
			}
			return runDemo(cmd, demo{g: g, rtbench: rtbench, host: h, keep: keep, duration: duration, stateDir: stateDir})
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "stay tuned after the demo (rtnode revert undoes it)")
	cmd.Flags().DurationVar(&duration, "duration", 15*time.Second, "length of each measurement")
	stateDirFlag(cmd, &stateDir)
	return cmd
}

type demo struct {
	g        *globals
	rtbench  string
	host     *plannedHost
	keep     bool
	duration time.Duration
	stateDir string
}

func runDemo(cmd *cobra.Command, d demo) error {
	w := cmd.OutOrStdout()
	pl := d.host.plan
	fmt.Fprint(w, d.host.machine.Tree())
	fmt.Fprintf(w, "\nplan (embedded default profile): housekeeping cpus %s, isolated cpus %s, %d runtime changes\n", pl.Reserved, pl.Isolated, len(pl.Actions))
	dir, err := os.MkdirTemp("", "rtnode-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(w, "\n1/3 untuned: rtbench on cpus %s with load on cpus %s for %s\n", pl.Isolated, pl.Reserved, d.duration)
	before, err := d.measure(w, filepath.Join(dir, "before.json"), "-a", pl.Isolated.String())
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\n2/3 rtnode apply")
	rep, err := d.applier().Apply(cmd.Context(), pl)
	if err != nil {
		if _, rerr := d.applier().Revert(cmd.Context()); rerr != nil {
			return fmt.Errorf("apply: %w (and revert: %v)", err, rerr)
		}
		return fmt.Errorf("apply: %w (reverted)", err)
	}
	fmt.Fprintf(w, "changed %d values (%d the kernel refuses to change)\n", len(rep.Changed), len(rep.Skipped))
	fmt.Fprintf(w, "\n3/3 tuned: rtbench on the isolated cpus with the same load for %s\n", d.duration)
	after, merr := d.measure(w, filepath.Join(dir, "after.json"))
	if !d.keep {
		if _, err := d.applier().Revert(cmd.Context()); err != nil {
			return fmt.Errorf("revert: %w", err)
		}
		fmt.Fprintln(w, "\nrtnode revert: the host is as it was")
	} else {
		fmt.Fprintf(w, "\nstaying tuned (--keep); undo with: rtnode revert --state-dir %s\n", d.stateDir)
	}
	if merr != nil {
		return merr
	}
	writeBeforeAfter(w, before, after)
	return nil
}

// applier applies to and reverts the demo's host with its state directory.
func (d demo) applier() *apply.Applier {
	return apply.New(d.host.root, apply.Options{StateDir: d.stateDir, Log: d.g.logger()})
}

// measure runs rtbench with the demo's load and reads its JSON.
func (d demo) measure(w io.Writer, js string, extra ...string) (*rt.Result, error) {
	args := append([]string{"-i", "200", "-m", "-q", "-D", strconv.Itoa(int(d.duration.Seconds())), "--json", js,
		"--load", "cpu:2", "--load", "memory", "--load", "io"}, extra...)
	c := exec.Command(d.rtbench, args...)
	c.Stdout, c.Stderr = w, os.Stderr
	if err := c.Run(); err != nil {
		return nil, fmt.Errorf("rtbench %v: %w", args, err)
	}
	f, err := os.Open(js)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return rt.ReadJSON(f)
}

func writeBeforeAfter(w io.Writer, before, after *rt.Result) {
	fmt.Fprintf(w, "\nbefore/after (µs; max is set by the hypervisor on a VM):\n%4s %-8s %6s %6s %7s %8s\n", "cpu", "", "p50", "p99", "p99.9", "max")
	for i, b := range before.CPUs {
		fmt.Fprintf(w, "%4d %-8s %6.0f %6.0f %7.0f %8.0f\n", b.CPU, "untuned", b.P50, b.P99, b.P999, b.Max)
		if i < len(after.CPUs) {
			a := after.CPUs[i]
			fmt.Fprintf(w, "%4s %-8s %6.0f %6.0f %7.0f %8.0f   (p99 ×%.2f, p99.9 ×%.2f)\n", "", "tuned", a.P50, a.P99, a.P999, a.Max, ratio(a.P99, b.P99), ratio(a.P999, b.P999))
		}
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// siblingBinary finds a binary installed beside rtnode, or on PATH.
func siblingBinary(name string) (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s is not installed beside rtnode or on PATH (make build installs both in bin/)", name)
	}
	return p, nil
}
