package topology

import (
	"fmt"
	"strings"
)

// KernelArg is one argument of the kernel command line.
type KernelArg struct {
	Key   string
	Value string
	// HasValue tells "quiet" (false) from "console=" (true, empty value).
	HasValue bool
}

// SplitCmdline splits a kernel command line into arguments the way the
// kernel does: on white space, except inside double quotes, which are
// removed ("dyndbg=\"file a.c +p\"").
func SplitCmdline(s string) []KernelArg {
	var args []KernelArg
	var cur strings.Builder
	inQuote, started := false, false
	flush := func() {
		if started {
			args = append(args, newKernelArg(cur.String()))
		}
		cur.Reset()
		started = false
	}
	for _, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			started = true
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			flush()
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	flush()
	return args
}

func newKernelArg(s string) KernelArg {
	k, v, ok := strings.Cut(s, "=")
	return KernelArg{Key: k, Value: v, HasValue: ok}
}

// isolcpusFlags are the flags isolcpus= accepts before its CPU list.
var isolcpusFlags = map[string]bool{"nohz": true, "domain": true, "managed_irq": true}

// ParseIsolcpus parses the value of isolcpus=: optional flags, then a
// cpulist ("managed_irq,domain,2-7"). The kernel's default flag is domain.
func ParseIsolcpus(v string) (Isolcpus, error) {
	parts := strings.Split(v, ",")
	var flags []string
	i := 0
	for ; i < len(parts); i++ {
		if !isolcpusFlags[parts[i]] {
			break
		}
		flags = append(flags, parts[i])
	}
	set, err := ParseCPUList(strings.Join(parts[i:], ","))
	if err != nil {
		return Isolcpus{}, fmt.Errorf("isolcpus=%s: %w", v, err)
	}
	return Isolcpus{Flags: flags, CPUs: set}, nil
}
