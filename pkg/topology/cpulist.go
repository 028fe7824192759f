package topology

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"k8s.io/utils/cpuset"
)

// MaxCPUID bounds the CPU IDs the parsers accept, so a corrupt file or
// profile cannot make them allocate without limit (the kernel's NR_CPUS is
// at most 8192 today).
const MaxCPUID = 1 << 16

// ParseCPUList parses a Linux cpulist ("0-3,8,10-11"). White space around the
// list is ignored, an empty list (or the kernel's "(null)") is the empty set.
func ParseCPUList(s string) (cpuset.CPUSet, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "(null)" {
		return cpuset.New(), nil
	}
	if err := checkCPUListBounds(s); err != nil {
		return cpuset.New(), fmt.Errorf("invalid cpulist %q: %w", s, err)
	}
	set, err := cpuset.Parse(s)
	if err != nil {
		return cpuset.New(), fmt.Errorf("invalid cpulist %q: %w", s, err)
	}
	return set, nil
}

// checkCPUListBounds rejects IDs at or above MaxCPUID before cpuset.Parse
// expands a range such as "0-999999999" element by element.
func checkCPUListBounds(s string) error {
	for _, part := range strings.Split(s, ",") {
		for _, n := range strings.SplitN(part, "-", 2) {
			v, err := strconv.Atoi(strings.TrimSpace(n))
			if err == nil && (v >= MaxCPUID || v < 0) {
				return fmt.Errorf("cpu id %d is not below %d", v, MaxCPUID)
			}
		}
	}
	return nil
}

// ParseCPUMask parses a kernel hex CPU mask: comma-separated 32-bit words,
// most significant first ("00000000,0000000f"). A leading "0x" is accepted.
func ParseCPUMask(s string) (cpuset.CPUSet, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if s == "" {
		return cpuset.New(), fmt.Errorf("invalid cpu mask %q: empty", s)
	}
	words := strings.Split(s, ",")
	if len(words)*32 > MaxCPUID {
		return cpuset.New(), fmt.Errorf("invalid cpu mask: %d words is more than %d cpus", len(words), MaxCPUID)
	}
	var ids []int
	for i, w := range words {
		if w == "" || len(w) > 8 {
			return cpuset.New(), fmt.Errorf("invalid cpu mask %q: word %d is %q", s, i+1, w)
		}
		v, err := strconv.ParseUint(w, 16, 32)
		if err != nil {
			return cpuset.New(), fmt.Errorf("invalid cpu mask %q: word %d is %q", s, i+1, w)
		}
		base := (len(words) - 1 - i) * 32
		for v != 0 {
			b := bits.TrailingZeros64(v)
			ids = append(ids, base+b)
			v &^= 1 << b
		}
	}
	return cpuset.New(ids...), nil
}

// FormatCPUMask writes a set as a kernel hex mask of at least one 32-bit
// word, the inverse of ParseCPUMask.
func FormatCPUMask(set cpuset.CPUSet) string {
	n := 1
	if set.Size() > 0 {
		n = set.List()[set.Size()-1]/32 + 1
	}
	words := make([]uint32, n)
	for _, id := range set.UnsortedList() {
		words[id/32] |= 1 << (id % 32)
	}
	parts := make([]string, n)
	for i := range words {
		parts[n-1-i] = fmt.Sprintf("%08x", words[i])
	}
	return strings.Join(parts, ",")
}
