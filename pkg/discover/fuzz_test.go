package discover_test

import (
	"strings"
	"testing"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

// The fuzz targets check that the parsers never panic and that what they
// accept round-trips. Seeds are real kernel output.

func FuzzParseInterrupts(f *testing.F) {
	f.Add("           CPU0       CPU1\n 24:   1  2  IR-PCI-MSI 1048576-edge eth0\nLOC: 5 6 Local timer interrupts\nERR: 0\n")
	f.Add("CPU0\n0: 1 IO-APIC 2-edge timer\n")
	f.Add("CPU0 CPU7\n\n1:\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := discover.ParseInterrupts(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, l := range lines {
			if l.ID == "" {
				t.Fatalf("accepted a line without an id in %q", s)
			}
		}
	})
}

func FuzzSplitCmdline(f *testing.F) {
	f.Add(`BOOT_IMAGE=/vmlinuz ro isolcpus=managed_irq,domain,2-7 dyndbg="file a.c +p"`)
	f.Add(`"unterminated`)
	f.Add("a==b =c\t\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range topology.SplitCmdline(s) {
			if strings.ContainsAny(a.Key, " \t\n") && !strings.Contains(s, `"`) {
				t.Fatalf("key %q holds white space outside quotes in %q", a.Key, s)
			}
			if a.Key == "isolcpus" {
				_, _ = topology.ParseIsolcpus(a.Value)
			}
		}
	})
}

func FuzzParseMounts(f *testing.F) {
	f.Add("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n")
	f.Add("x /a\\040b\\0 ext4 ro 0 0\n")
	f.Fuzz(func(t *testing.T, s string) {
		ms, _ := discover.ParseMounts(strings.NewReader(s))
		for _, m := range ms {
			if m.FSType == "" {
				t.Fatalf("mount without a type from %q", s)
			}
		}
	})
}
