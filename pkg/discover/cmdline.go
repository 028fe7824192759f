package discover

import (
	"fmt"

	"k8s.io/utils/cpuset"

	"github.com/rtnode/rtnode/pkg/topology"
)

// applyCmdline fills the command-line facts of k from its Cmdline; values
// that do not parse become gaps.
func applyCmdline(k *topology.Kernel, gaps *gaps) {
	for _, a := range topology.SplitCmdline(k.Cmdline) {
		var err error
		switch a.Key {
		case "isolcpus":
			k.Isolcpus, err = topology.ParseIsolcpus(a.Value)
		case "nohz_full":
			k.NoHZFull, err = parseArgList(a)
		case "rcu_nocbs":
			k.RCUNoCBs, err = parseArgList(a)
		case "irqaffinity":
			k.IRQAffinity, err = parseArgList(a)
		}
		if err != nil {
			gaps.add("kernel cmdline", err.Error())
		}
	}
}

func parseArgList(a topology.KernelArg) (cpuset.CPUSet, error) {
	set, err := topology.ParseCPUList(a.Value)
	if err != nil {
		return cpuset.New(), fmt.Errorf("%s=%s: %w", a.Key, a.Value, err)
	}
	return set, nil
}
