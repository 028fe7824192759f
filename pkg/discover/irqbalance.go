package discover

import (
	"fmt"
	"strings"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/topology"
)

// IRQBalance describes a running irqbalance daemon.
type IRQBalance struct {
	PID int
	// Banned are the CPUs it leaves alone (IRQBALANCE_BANNED_CPULIST, or
	// the older hex IRQBALANCE_BANNED_CPUS, in its environment).
	Banned cpuset.CPUSet
}

// FindIRQBalance looks for a running irqbalance below the root's /proc.
func FindIRQBalance(root hostfs.Root) (IRQBalance, bool) {
	fs, err := ProcFS(root)
	if err != nil {
		return IRQBalance{}, false
	}
	procs, _ := fs.AllProcs()
	for _, p := range procs {
		if comm, _ := p.Comm(); comm != "irqbalance" {
			continue
		}
		env, _ := p.Environ()
		return IRQBalance{PID: p.PID, Banned: BannedCPUs(env)}, true
	}
	return IRQBalance{}, false
}

// BannedCPUs reads irqbalance's banned CPUs from its environment.
func BannedCPUs(env []string) cpuset.CPUSet {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "IRQBALANCE_BANNED_CPULIST="); ok {
			if s, err := topology.ParseCPUList(v); err == nil {
				return s
			}
		}
		if v, ok := strings.CutPrefix(kv, "IRQBALANCE_BANNED_CPUS="); ok {
			if s, err := topology.ParseCPUMask(v); err == nil {
				return s
			}
		}
	}
	return cpuset.New()
}

// Undoes reports whether irqbalance may move IRQs onto the isolated CPUs.
func (ib IRQBalance) Undoes(isolated cpuset.CPUSet) bool { return !isolated.IsSubsetOf(ib.Banned) }

// Advice says why irqbalance undoes IRQ isolation and what to do about it.
func (ib IRQBalance) Advice(isolated cpuset.CPUSet) string {
	return fmt.Sprintf("irqbalance (pid %d) runs without IRQBALANCE_BANNED_CPULIST=%s: it moves IRQs back onto isolated cpus; set it in /etc/default/irqbalance and restart irqbalance, or stop it (rtnode does not restart services)",
		ib.PID, isolated)
}
