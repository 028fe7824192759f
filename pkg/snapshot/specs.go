package snapshot

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/hostfs"
)

// staticSpecs are the root-relative globs of the files discovery reads.
// A glob that matches a directory is copied as an empty directory (netdev
// names); symlinks are copied as links.
var staticSpecs = []string{
	"proc/cpuinfo", "proc/meminfo", "proc/self/mounts", "proc/mounts", "proc/cmdline", "proc/version",
	"proc/stat", "proc/sys/kernel/osrelease", "proc/interrupts",
	"proc/irq/default_smp_affinity",
	"proc/irq/*/smp_affinity", "proc/irq/*/smp_affinity_list",
	"proc/irq/*/effective_affinity", "proc/irq/*/effective_affinity_list", "proc/irq/*/node",
	"sys/kernel/realtime", "sys/bus/pci/drivers/*",
	"sys/devices/system/cpu/online", "sys/devices/system/cpu/offline",
	"sys/devices/system/cpu/possible", "sys/devices/system/cpu/present",
	"sys/devices/system/cpu/isolated", "sys/devices/system/cpu/nohz_full",
	"sys/devices/system/cpu/kernel_max",
	"sys/devices/system/cpu/cpu*/online", "sys/devices/system/cpu/cpu*/topology/*",
	"sys/devices/system/cpu/cpu*/node*",
	"sys/devices/system/cpu/cpu*/cache/index*/level",
	"sys/devices/system/cpu/cpu*/cache/index*/type",
	"sys/devices/system/cpu/cpu*/cache/index*/size",
	"sys/devices/system/cpu/cpu*/cache/index*/shared_cpu_list",
	"sys/devices/system/cpu/cpu*/cache/index*/shared_cpu_map",
	"sys/devices/system/cpu/cpu*/cpufreq/scaling_governor",
	"sys/devices/system/cpu/cpu*/cpufreq/scaling_available_governors",
	"sys/devices/system/cpu/cpu*/cpufreq/cpuinfo_max_freq",
	"sys/devices/system/cpu/cpu*/cpu_capacity",
	"sys/devices/system/cpu/cpu*/acpi_cppc/highest_perf",
	"sys/devices/system/cpu/cpu*/cpuidle/state*/name",
	"sys/devices/system/cpu/cpu*/cpuidle/state*/latency",
	"sys/devices/system/cpu/cpu*/cpuidle/state*/disable",
	"sys/devices/cpu_core/cpus", "sys/devices/cpu_atom/cpus",
	"sys/devices/system/node/online", "sys/devices/system/node/possible",
	"sys/devices/system/node/has_*",
	"sys/devices/system/node/node*/cpulist", "sys/devices/system/node/node*/distance",
	"sys/devices/system/node/node*/meminfo",
	"sys/devices/system/node/node*/hugepages/hugepages-*/*",
	"sys/kernel/mm/hugepages/hugepages-*/*",
	"sys/kernel/mm/transparent_hugepage/enabled", "sys/kernel/mm/transparent_hugepage/defrag",
	"proc/sys/kernel/timer_migration", "proc/sys/kernel/sched_rt_runtime_us",
	"proc/sys/kernel/sched_rt_period_us", "proc/sys/vm/stat_interval",
	"proc/sys/kernel/numa_balancing", "proc/sys/kernel/nmi_watchdog",
	"proc/sys/kernel/watchdog", "proc/sys/kernel/watchdog_cpumask",
	"sys/devices/virtual/workqueue/cpumask", "sys/bus/workqueue/devices/writeback/cpumask",
	"sys/firmware/devicetree/base/compatible", "sys/firmware/devicetree/base/model",
}

// pciFiles are read from each PCI function's directory; pciLinks are
// copied as links; pciDirs are globs of directories whose names matter.
var (
	pciFiles = []string{"modalias", "class", "vendor", "device", "revision",
		"subsystem_vendor", "subsystem_device", "numa_node", "local_cpulist", "local_cpus",
		"irq", "sriov_totalvfs", "sriov_numvfs", "msi_irqs/*"}
	pciLinks = []string{"driver", "iommu_group", "physfn", "virtfn*"}
	pciDirs  = []string{"net/*"}
)

// specs returns the absolute globs to copy from root.
func specs(root hostfs.Root) []string {
	var out []string
	for _, s := range staticSpecs {
		out = append(out, root.Path(s))
	}
	out = append(out, pciSpecs(root)...)
	return append(out, cgroupSpecs(root)...)
}

// pciSpecs lists, for each function in /sys/bus/pci/devices, the link
// there and the files of the device directory it points to.
func pciSpecs(root hostfs.Root) []string {
	const bus = "sys/bus/pci/devices"
	names, _ := root.ReadDirNames(bus)
	var out []string
	for _, n := range names {
		out = append(out, root.Path(bus, n))
		dir := root.Path(bus, n)
		if t, err := root.Readlink(bus, n); err == nil {
			dir = resolveBelow(root, filepath.Join(root.Path(bus), t))
		}
		for _, f := range append(append(pciFiles, pciLinks...), pciDirs...) {
			out = append(out, filepath.Join(dir, f))
		}
	}
	return out
}

// resolveBelow keeps a resolved link target below the root; a target that
// climbs out of the root is taken as relative to the root.
func resolveBelow(root hostfs.Root, p string) string {
	p = filepath.Clean(p)
	if root.Live() || strings.HasPrefix(p, root.Dir()+string(filepath.Separator)) {
		return p
	}
	return root.Path(strings.TrimPrefix(p, "/"))
}

// cgroupSpecs adds the cgroup.controllers of every cgroup2 mount.
func cgroupSpecs(root hostfs.Root) []string {
	mounts, _ := discover.ReadMounts(root)
	var out []string
	for _, m := range mounts {
		if m.FSType == "cgroup2" {
			out = append(out, root.Path(path.Join(m.Point, "cgroup.controllers")))
		}
		if m.FSType == "cgroup2" || m.HasOption("cpuset") {
			for _, f := range discover.ManagedCgroupFiles {
				out = append(out, root.Path(path.Join(m.Point, f)))
			}
		}
	}
	return out
}
