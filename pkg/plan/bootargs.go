package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rtnode/rtnode/pkg/profile"
	"github.com/rtnode/rtnode/pkg/topology"
)

// bootArgs lists the kernel arguments only a boot can give (tick, RCU
// callbacks and managed IRQs off isolated CPUs, 1 GiB pages on fragmented
// memory) and those the running kernel lacks.
func bootArgs(m *topology.Machine, p *profile.NodeProfile, pl *Plan) BootArgs {
	iso, res := pl.Isolated.String(), pl.Reserved.String()
	rec := []string{
		"isolcpus=managed_irq,domain," + iso,
		"nohz_full=" + iso,
		"rcu_nocbs=" + iso,
		"irqaffinity=" + pl.IRQTarget.String(),
		"kthread_cpus=" + res,
		"skew_tick=1",
		"nosoftlockup",
	}
	if h := p.Spec.HugePages; h != nil {
		if h.DefaultSize != "" {
			size, _ := profile.ParseSize(h.DefaultSize)
			rec = append(rec, "default_hugepagesz="+profile.FormatSize(size))
		}
		if n := gigantic(pl); n > 0 {
			rec = append(rec, "hugepagesz=1G", fmt.Sprintf("hugepages=%d", n))
		}
	}
	rec = append(rec, p.Spec.ExtraBootArgs...)
	return BootArgs{Recommended: rec, Missing: missingArgs(m.Kernel.Cmdline, rec)}
}

// gigantic is the number of 1 GiB pages the plan asks for in all: those are
// best reserved at boot, before memory fragments.
func gigantic(pl *Plan) int64 {
	var n int64
	for _, h := range pl.HugePages {
		if h.SizeKiB == 1<<20 {
			n += h.To
		}
	}
	return n
}

// missingArgs compares the recommended arguments with the command line:
// an argument is missing when its key is absent or its value differs (CPU
// lists compare as sets, isolcpus flags in any order).
func missingArgs(cmdline string, rec []string) []MissingArg {
	current := map[string]string{}
	for _, a := range topology.SplitCmdline(cmdline) {
		if a.HasValue {
			current[a.Key] = a.Key + "=" + a.Value
		} else {
			current[a.Key] = a.Key
		}
	}
	var out []MissingArg
	for _, want := range rec {
		have, ok := current[argKey(want)]
		if ok && sameArg(have, want) {
			continue
		}
		out = append(out, MissingArg{Arg: want, Current: have})
	}
	return out
}

func argKey(a string) string {
	k, _, _ := strings.Cut(a, "=")
	return k
}

func sameArg(have, want string) bool {
	if have == want {
		return true
	}
	hk, hv, _ := strings.Cut(have, "=")
	_, wv, _ := strings.Cut(want, "=")
	switch hk {
	case "nohz_full", "rcu_nocbs", "irqaffinity", "kthread_cpus":
		return sameCPUList(hv, wv)
	case "isolcpus":
		hf, hs := splitFlags(hv)
		wf, ws := splitFlags(wv)
		return hf == wf && sameCPUList(hs, ws)
	}
	return false
}

func sameCPUList(a, b string) bool {
	x, err1 := topology.ParseCPUList(a)
	y, err2 := topology.ParseCPUList(b)
	return err1 == nil && err2 == nil && x.Equals(y)
}

// splitFlags separates isolcpus flags (sorted, joined) from its cpulist.
func splitFlags(v string) (string, string) {
	var flags, rest []string
	for _, part := range strings.Split(v, ",") {
		switch part {
		case "nohz", "domain", "managed_irq":
			flags = append(flags, part)
		default:
			rest = append(rest, part)
		}
	}
	if len(flags) == 0 {
		flags = []string{"domain"}
	}
	sort.Strings(flags)
	return strings.Join(flags, ","), strings.Join(rest, ",")
}
