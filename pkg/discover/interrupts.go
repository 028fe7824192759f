package discover

import (
	"github.com/rtnode/rtnode/pkg/topology"

	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// InterruptLine is one line of /proc/interrupts.
type InterruptLine struct {
	// ID is the IRQ number or the name of a per-CPU interrupt ("LOC").
	ID string
	// Counts maps a CPU ID (from the header, which lists online CPUs only)
	// to its count.
	Counts map[int]uint64
	// Chip is the controller column of a numbered IRQ ("IR-PCI-MSI").
	Chip string
	// Name is the rest: hardware IRQ, trigger, actions ("327680-edge eth0").
	Name string
}

// Number returns the IRQ number, or -1 for a named interrupt.
func (l *InterruptLine) Number() int {
	n, err := strconv.Atoi(l.ID)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// ParseInterrupts parses /proc/interrupts. The header names the CPU of each
// count column ("CPU0 CPU2 ..."); a line may have fewer counts than the
// header (ERR, MIS). Lines that cannot be parsed are an error naming the
// line; the parser never panics.
//
// prometheus/procfs has a reader for this file, but it drops the header's
// CPU numbers, splits the chip from the hardware IRQ wrongly for numbered
// lines and panics on short lines, so rtnode parses the file itself.
func ParseInterrupts(r io.Reader) ([]InterruptLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read interrupts: %w", err)
		}
		return nil, fmt.Errorf("interrupts: empty file")
	}
	cpus, err := parseInterruptsHeader(sc.Text())
	if err != nil {
		return nil, err
	}
	var out []InterruptLine
	for n := 2; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		l, err := parseInterruptLine(sc.Text(), cpus)
		if err != nil {
			return nil, fmt.Errorf("interrupts line %d: %w", n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read interrupts: %w", err)
	}
	return out, nil
}

func parseInterruptsHeader(line string) ([]int, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil, fmt.Errorf("interrupts: header lists no cpus")
	}
	cpus := make([]int, len(fields))
	for i, f := range fields {
		id, err := strconv.Atoi(strings.TrimPrefix(f, "CPU"))
		if !strings.HasPrefix(f, "CPU") || err != nil || id < 0 || id >= topology.MaxCPUID {
			return nil, fmt.Errorf("interrupts: header field %q is not CPUn", f)
		}
		cpus[i] = id
	}
	return cpus, nil
}

func parseInterruptLine(line string, cpus []int) (InterruptLine, error) {
	id, rest, ok := strings.Cut(line, ":")
	id = strings.TrimSpace(id)
	if !ok || id == "" || strings.ContainsAny(id, " \t") {
		return InterruptLine{}, fmt.Errorf("no interrupt id before ':' in %q", truncate(line))
	}
	l := InterruptLine{ID: id, Counts: make(map[int]uint64, len(cpus))}
	fields := strings.Fields(rest)
	i := 0
	for ; i < len(fields) && i < len(cpus); i++ {
		v, err := strconv.ParseUint(fields[i], 10, 64)
		if err != nil {
			break
		}
		l.Counts[cpus[i]] = v
	}
	tail := fields[i:]
	if l.Number() >= 0 && len(tail) > 0 {
		l.Chip, tail = tail[0], tail[1:]
	}
	l.Name = strings.Join(tail, " ")
	return l, nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
