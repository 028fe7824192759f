// Package discover fills a topology.Machine from a host root: the live
// system, the host mounted in a DaemonSet, or an unpacked capture. It is the
// only package that imports ghw; it reads itself what ghw lacks (per-CPU
// online state, dies, clusters, L3 groups, core types, NUMA memory and
// hugepages, SR-IOV links, netdevs, IRQs, the kernel command line, cgroup
// mounts, cpufreq and cpuidle).
//
// Discovery tolerates gaps: what cannot be read becomes a topology.Gap in
// Machine.Partial and discovery goes on. It fails only when the root is not
// a host root at all. It never writes.
package discover

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jaypipes/pcidb"

	"github.com/rtnode/rtnode/pkg/hostfs"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Discoverer reads machines from one host root. It keeps the PCI name
// database once loaded, so repeated discovery (the agent loop) is cheap. A
// Discoverer is not safe for concurrent use.
type Discoverer struct {
	root    hostfs.Root
	log     *slog.Logger
	db      *pcidb.PCIDB
	sysctls []string
	skip    map[string]bool
}

// New returns a Discoverer for root. A nil logger discards logs.
func New(root hostfs.Root, log *slog.Logger) *Discoverer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Discoverer{root: root, log: log}
}

// WithoutDevices skips PCI devices, IRQs and package models, for callers
// that only place threads (rtbench): it avoids loading the PCI name
// database and parsing /proc/cpuinfo.
func (d *Discoverer) WithoutDevices() *Discoverer {
	d.skip = map[string]bool{"pci": true, "irqs": true, "packages": true}
	return d
}

// Root returns the host root the Discoverer reads.
func (d *Discoverer) Root() hostfs.Root { return d.root }

// Discover reads the machine. The error is non-nil only when ctx is done;
// everything else that fails is reported in Machine.Partial.
func (d *Discoverer) Discover(ctx context.Context) (*topology.Machine, error) {
	m := &topology.Machine{}
	g := &gaps{}
	steps := []struct {
		name string
		run  func(*topology.Machine, *gaps)
	}{
		{"cpus", d.readCPUs},
		{"numa", d.readNUMA},
		{"packages", d.readPackages},
		{"pci", d.readPCI},
		{"irqs", d.readIRQs},
		{"kernel", d.readKernel},
		{"cgroup", d.readCgroup},
		{"tunables", d.readTunables},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("discover %s: %w", s.name, err)
		}
		if !d.skip[s.name] {
			s.run(m, g)
		}
	}
	m.Partial = g.list
	d.log.Debug("discovered machine", "root", d.root.Dir(), "cpus", m.OnlineCPUs().String(),
		"numaNodes", len(m.NUMANodes), "pciDevices", len(m.PCIDevices), "irqs", len(m.IRQs), "gaps", len(g.list))
	return m, nil
}

// gaps collects what could not be read.
type gaps struct{ list []topology.Gap }

func (g *gaps) add(what, why string) {
	g.list = append(g.list, topology.Gap{What: what, Why: why})
}

func (g *gaps) addf(what, format string, args ...any) {
	g.add(what, fmt.Sprintf(format, args...))
}
