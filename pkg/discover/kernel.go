package discover

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// readKernel reads the release, version, preemption model and command line.
func (d *Discoverer) readKernel(m *topology.Machine, g *gaps) {
	k := &m.Kernel
	k.Release, _ = d.root.ReadString("proc/sys/kernel/osrelease")
	k.Version, _ = d.root.ReadString("proc/version")
	if k.Release == "" {
		k.Release = releaseFromVersion(k.Version)
	}
	rt, _ := d.root.ReadString("sys/kernel/realtime")
	k.Preempt = PreemptModel(k.Version, rt == "1")
	cmdline, err := d.root.ReadString("proc/cmdline")
	if err != nil {
		g.addf("kernel cmdline", "cannot read /proc/cmdline: %v", errReason(err))
		return
	}
	k.Cmdline = cmdline
	applyCmdline(k, g)
}

// PreemptModel derives the preemption model from /proc/version ("... SMP
// PREEMPT_RT ...") and /sys/kernel/realtime. It returns "" when the version
// string does not say.
func PreemptModel(version string, realtime bool) string {
	fields := strings.Fields(version)
	has := func(w string) bool {
		for _, f := range fields {
			if f == w {
				return true
			}
		}
		return false
	}
	switch {
	case realtime || has("PREEMPT_RT") || (has("PREEMPT") && has("RT")):
		return "rt"
	case has("PREEMPT_DYNAMIC"):
		return "dynamic"
	case has("PREEMPT"):
		return "full"
	}
	return ""
}

// releaseFromVersion takes the release from "Linux version 6.1.0-13-amd64 (...".
func releaseFromVersion(v string) string {
	f := strings.Fields(v)
	if len(f) >= 3 && f[0] == "Linux" && f[1] == "version" {
		return f[2]
	}
	return ""
}

// errReason shortens a file error to its cause for a gap.
func errReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "missing"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}
