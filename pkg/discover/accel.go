package discover

import (
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// intelAccelerators maps Intel device ids of accelerators that ghw does not
// recognise (most show class 0x0b40, co-processor) to their kind; PFs and
// VFs alike, from the Linux drivers (qat_*, dlb2, idxd).
var intelAccelerators = map[string]topology.AcceleratorKind{
	// QuickAssist: DH895xCC, C62x, C3xxx, 200xx, D15xx, 4xxx, 401xx, 402xx, 420xx.
	"0435": topology.AccelQAT, "0443": topology.AccelQAT,
	"37c8": topology.AccelQAT, "37c9": topology.AccelQAT,
	"19e2": topology.AccelQAT, "19e3": topology.AccelQAT,
	"18ee": topology.AccelQAT, "18ef": topology.AccelQAT,
	"6f54": topology.AccelQAT, "6f55": topology.AccelQAT,
	"4940": topology.AccelQAT, "4941": topology.AccelQAT,
	"4942": topology.AccelQAT, "4943": topology.AccelQAT,
	"4944": topology.AccelQAT, "4945": topology.AccelQAT,
	"4946": topology.AccelQAT, "4947": topology.AccelQAT,
	// Dynamic Load Balancer 2.0 and 2.5.
	"2710": topology.AccelDLB, "2711": topology.AccelDLB,
	"2714": topology.AccelDLB, "2715": topology.AccelDLB,
	// Data Streaming Accelerator and In-Memory Analytics Accelerator.
	"0b25": topology.AccelDSA, "11fb": topology.AccelDSA,
	"0cfe": topology.AccelIAA,
}

// gpuVendors are the vendors whose display controllers are compute GPUs,
// unlike the VGA of a BMC or a virtual machine.
var gpuVendors = map[string]bool{"10de": true, "1002": true, "8086": true}

// AcceleratorKind classifies a PCI function from its vendor, device and
// six-digit class code; it returns "" for devices that are not accelerators.
func AcceleratorKind(vendor, device, class string) topology.AcceleratorKind {
	vendor, device, class = strings.ToLower(vendor), strings.ToLower(device), strings.ToLower(class)
	if vendor == "8086" {
		if k, ok := intelAccelerators[device]; ok {
			return k
		}
	}
	switch {
	case strings.HasPrefix(class, "0302"):
		return topology.AccelGPU
	case strings.HasPrefix(class, "0300") && gpuVendors[vendor]:
		return topology.AccelGPU
	case strings.HasPrefix(class, "12"):
		return topology.AccelProcessing
	case strings.HasPrefix(class, "0b40"):
		return topology.AccelCoprocessor
	}
	return ""
}
