package profile

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// Normalize fills the defaults of unset fields.
func (p *NodeProfile) Normalize() {
	c := &p.Spec.CPU
	if c.SMTPolicy == "" {
		c.SMTPolicy = SMTFullCores
	}
	if c.ReservedPlacement == "" {
		c.ReservedPlacement = PlacementSpread
	}
	if p.Spec.IRQ.Target == "" {
		p.Spec.IRQ.Target = DefaultIRQTarget
	}
	if p.Spec.RT.MaxPriority == 0 {
		p.Spec.RT.MaxPriority = DefaultMaxPriority
	}
	if p.Spec.RT.Throttling == nil {
		off := false
		p.Spec.RT.Throttling = &off
	}
	if p.Spec.TransparentHugepages == "" {
		p.Spec.TransparentHugepages = DefaultTHP
	}
}

// Validate checks what can be checked without the machine; the planner
// checks the rest. The error names the first invalid field.
func (p *NodeProfile) Validate() error {
	checks := []func() error{p.validateCPU, p.validateHugePages, p.validateIRQ, p.validateRT, p.validatePower, p.validateMisc}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func (p *NodeProfile) validateCPU() error {
	c := &p.Spec.CPU
	if c.Reserved != "" && c.ReservedCount != nil {
		return Errorf("spec.cpu", "set reserved or reservedCount, not both")
	}
	if c.ReservedCount != nil && *c.ReservedCount < 1 {
		return Errorf("spec.cpu.reservedCount", "must be at least 1, got %d", *c.ReservedCount)
	}
	for field, list := range map[string]string{"spec.cpu.reserved": c.Reserved, "spec.cpu.isolated": c.Isolated} {
		if _, err := topology.ParseCPUList(list); err != nil {
			return Errorf(field, "%v", err)
		}
	}
	if err := oneOf("spec.cpu.smtPolicy", c.SMTPolicy, SMTFullCores, SMTAllowSplit); err != nil {
		return err
	}
	if err := oneOf("spec.cpu.housekeepingPrefers", c.HousekeepingPrefers, "", PreferEfficiencyCores); err != nil {
		return err
	}
	return oneOf("spec.cpu.reservedPlacement", c.ReservedPlacement, PlacementSpread, PlacementPacked)
}

func (p *NodeProfile) validateHugePages() error {
	h := p.Spec.HugePages
	if h == nil {
		return nil
	}
	if h.DefaultSize != "" {
		if _, err := ParseSize(h.DefaultSize); err != nil {
			return Errorf("spec.hugepages.defaultSize", "%v", err)
		}
	}
	for i, r := range h.Pages {
		field := fmt.Sprintf("spec.hugepages.pages[%d]", i)
		if _, err := ParseSize(r.Size); err != nil {
			return Errorf(field+".size", "%v", err)
		}
		if r.Count < 0 {
			return Errorf(field+".count", "must not be negative, got %d", r.Count)
		}
		if r.Node != nil && *r.Node < 0 {
			return Errorf(field+".node", "must not be negative, got %d", *r.Node)
		}
	}
	return nil
}

func (p *NodeProfile) validateIRQ() error {
	irq := &p.Spec.IRQ
	if irq.Target != DefaultIRQTarget {
		set, err := topology.ParseCPUList(irq.Target)
		if err != nil || set.IsEmpty() {
			return Errorf("spec.irq.target", "want %q or a cpulist of reserved cpus, got %q", DefaultIRQTarget, irq.Target)
		}
	}
	for i, n := range irq.Exclude.IRQs {
		if n < 0 {
			return Errorf(fmt.Sprintf("spec.irq.exclude.irqs[%d]", i), "irq numbers are not negative, got %d", n)
		}
	}
	for i, d := range irq.Exclude.Devices {
		if strings.TrimSpace(d) == "" || strings.ContainsAny(d, " \t/") {
			return Errorf(fmt.Sprintf("spec.irq.exclude.devices[%d]", i), "want a PCI address or a netdev name, got %q", d)
		}
	}
	return nil
}

func (p *NodeProfile) validateRT() error {
	if mp := p.Spec.RT.MaxPriority; mp < 1 || mp > 99 {
		return Errorf("spec.rt.maxPriority", "must be 1-99, got %d", mp)
	}
	return nil
}

func (p *NodeProfile) validatePower() error {
	pw := p.Spec.Power
	if pw == nil {
		return nil
	}
	if pw.Governor != "" && strings.Trim(pw.Governor, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return Errorf("spec.power.governor", "%q is not a cpufreq governor name", pw.Governor)
	}
	if pw.MaxIdleLatencyMicros != nil && *pw.MaxIdleLatencyMicros < 0 {
		return Errorf("spec.power.maxIdleLatencyMicros", "must not be negative, got %d", *pw.MaxIdleLatencyMicros)
	}
	return nil
}

func (p *NodeProfile) validateMisc() error {
	if err := oneOf("spec.transparentHugepages", p.Spec.TransparentHugepages, "never", "madvise", "always"); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(p.Spec.Sysctl)) {
		field := "spec.sysctl." + name
		if !ValidSysctlName(name) {
			return Errorf(field, "not a sysctl name (dotted, like kernel.timer_migration)")
		}
		if v := p.Spec.Sysctl[name]; strings.TrimSpace(v) == "" || strings.ContainsAny(v, "\n\x00") {
			return Errorf(field, "value %q must be one non-empty line", v)
		}
	}
	for i, a := range p.Spec.ExtraBootArgs {
		if a == "" || strings.ContainsAny(a, " \t\n\"") {
			return Errorf(fmt.Sprintf("spec.extraBootArgs[%d]", i), "%q is not one kernel argument", a)
		}
	}
	return nil
}

// SysctlPath maps a valid dotted sysctl name to its host path below
// /proc/sys ("kernel.timer_migration" → "/proc/sys/kernel/timer_migration").
func SysctlPath(name string) (string, bool) {
	if !ValidSysctlName(name) {
		return "", false
	}
	return "/proc/sys/" + strings.ReplaceAll(name, ".", "/"), true
}

// ValidSysctlName reports whether name is a dotted sysctl name that maps
// to a file below /proc/sys without leaving it.
func ValidSysctlName(name string) bool {
	if name == "" || strings.ContainsAny(name, "/\\ \t\n") || strings.Contains(name, "..") ||
		strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || !strings.Contains(name, ".") {
		return false
	}
	return true
}

func oneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	var shown []string
	for _, a := range allowed {
		if a != "" {
			shown = append(shown, a)
		}
	}
	return Errorf(field, "want one of %s, got %q", strings.Join(shown, ", "), v)
}
