package profile

import (
	"encoding/json"
	"fmt"
	"sort"
)

// performanceProfile holds the fields of an OpenShift PerformanceProfile
// (performance.openshift.io/v2) that rtnode translates.
type performanceProfile struct {
	Metadata Metadata `json:"metadata"`
	Spec     struct {
		CPU *struct {
			Reserved        *string `json:"reserved"`
			Isolated        *string `json:"isolated"`
			Offlined        *string `json:"offlined"`
			BalanceIsolated *bool   `json:"balanceIsolated"`
		} `json:"cpu"`
		HugePages *struct {
			DefaultHugepagesSize *string `json:"defaultHugepagesSize"`
			Pages                []struct {
				Size  string `json:"size"`
				Count int    `json:"count"`
				Node  *int   `json:"node"`
			} `json:"pages"`
		} `json:"hugepages"`
		RealTimeKernel *struct {
			Enabled *bool `json:"enabled"`
		} `json:"realTimeKernel"`
		GloballyDisableIrqLoadBalancing *bool `json:"globallyDisableIrqLoadBalancing"`
		WorkloadHints                   *struct {
			RealTime              *bool `json:"realTime"`
			HighPowerConsumption  *bool `json:"highPowerConsumption"`
			PerPodPowerManagement *bool `json:"perPodPowerManagement"`
		} `json:"workloadHints"`
		AdditionalKernelArgs []string `json:"additionalKernelArgs"`
	} `json:"spec"`
}

// translated lists the spec keys fromPerformanceProfile maps.
var translated = map[string]bool{"cpu": true, "hugepages": true, "realTimeKernel": true,
	"globallyDisableIrqLoadBalancing": true, "workloadHints": true, "additionalKernelArgs": true}

// untranslatedAdvice says what to do instead for spec keys that belong to
// the cluster, not to a node agent.
var untranslatedAdvice = map[string]string{
	"nodeSelector":              "select nodes with the rtnode DaemonSet's nodeSelector",
	"machineConfigPoolSelector": "not used: rtnode needs no MachineConfig",
	"machineConfigLabel":        "not used: rtnode needs no MachineConfig",
	"numa":                      "set the kubelet's topologyManagerPolicy (single-node, restricted…) in its configuration",
	"net":                       "userLevelNetworking (NIC queues on reserved CPUs) is not translated",
}

// fromPerformanceProfile translates what maps, validates the result and
// lists what does not map.
func fromPerformanceProfile(raw []byte) (*NodeProfile, []string, error) {
	var pp performanceProfile
	if err := decodeLenient(raw, &pp); err != nil {
		return nil, nil, err
	}
	p := &NodeProfile{APIVersion: APIVersion, Kind: Kind, Metadata: pp.Metadata}
	var notes []string
	s := pp.Spec
	if s.CPU != nil {
		if s.CPU.Reserved != nil {
			p.Spec.CPU.Reserved = *s.CPU.Reserved
		}
		if s.CPU.Isolated != nil {
			p.Spec.CPU.Isolated = *s.CPU.Isolated
		}
		// OpenShift lets a reserved list split cores; keep that meaning.
		p.Spec.CPU.SMTPolicy = SMTAllowSplit
		if s.CPU.Offlined != nil && *s.CPU.Offlined != "" {
			notes = append(notes, fmt.Sprintf("spec.cpu.offlined (%s): not translated; rtnode does not take CPUs offline", *s.CPU.Offlined))
		}
		if s.CPU.BalanceIsolated != nil && !*s.CPU.BalanceIsolated {
			notes = append(notes, "spec.cpu.balanceIsolated=false: rtnode always takes isolated CPUs out of load balancing")
		}
	}
	if h := s.HugePages; h != nil {
		p.Spec.HugePages = &HugePagesSpec{}
		if h.DefaultHugepagesSize != nil {
			p.Spec.HugePages.DefaultSize = *h.DefaultHugepagesSize
		}
		for _, pg := range h.Pages {
			p.Spec.HugePages.Pages = append(p.Spec.HugePages.Pages, HugePageRequest{Size: pg.Size, Count: pg.Count, Node: pg.Node})
		}
	}
	notes = append(notes, translateHints(p, &pp)...)
	p.Spec.ExtraBootArgs = s.AdditionalKernelArgs
	notes = append(notes, untranslatedKeys(raw)...)
	p.Normalize()
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	return p, notes, nil
}

func translateHints(p *NodeProfile, pp *performanceProfile) []string {
	var notes []string
	s := pp.Spec
	if s.RealTimeKernel != nil && s.RealTimeKernel.Enabled != nil && *s.RealTimeKernel.Enabled {
		notes = append(notes, "spec.realTimeKernel.enabled: rtnode does not install kernels; boot a PREEMPT_RT kernel (rtnode audit reports a non-RT one)")
	}
	if g := s.GloballyDisableIrqLoadBalancing; g != nil && !*g {
		notes = append(notes, "spec.globallyDisableIrqLoadBalancing=false: rtnode steers movable IRQs to housekeeping CPUs in every case; pods need no irq-load-balancing annotation")
	}
	if w := s.WorkloadHints; w != nil {
		if w.HighPowerConsumption != nil && *w.HighPowerConsumption {
			zero := 0
			p.Spec.Power = &PowerSpec{Governor: "performance", MaxIdleLatencyMicros: &zero}
		}
		if w.PerPodPowerManagement != nil && *w.PerPodPowerManagement {
			notes = append(notes, "spec.workloadHints.perPodPowerManagement: use the rtnode.io/cpu-c-states and cpu-freq-governor pod annotations")
		}
	}
	return notes
}

// untranslatedKeys lists the spec keys that were not translated.
func untranslatedKeys(raw []byte) []string {
	var doc struct {
		Spec map[string]json.RawMessage `json:"spec"`
	}
	_ = json.Unmarshal(raw, &doc)
	var keys []string
	for k := range doc.Spec {
		if !translated[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var notes []string
	for _, k := range keys {
		advice := untranslatedAdvice[k]
		if advice == "" {
			advice = "not translated"
		}
		notes = append(notes, "spec."+k+": "+advice)
	}
	return notes
}

// decodeLenient decodes known fields, naming the field of a type mismatch.
func decodeLenient(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok {
			return Errorf(te.Field, "want %s, got %s", typeName(te.Type), te.Value)
		}
		return Errorf("", "profile: %s", oneLine(err.Error()))
	}
	return nil
}
