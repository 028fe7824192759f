package profile

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize parses a hugepage size ("2Mi", "2M", "2MB", "2048k", "2048kB",
// "1Gi", "1G") into KiB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		kib    int64
	}{{"Gi", 1 << 20}, {"GB", 1 << 20}, {"G", 1 << 20}, {"Mi", 1 << 10}, {"MB", 1 << 10}, {"M", 1 << 10}, {"kB", 1}, {"Ki", 1}, {"k", 1}, {"K", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.suffix); ok {
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil || n <= 0 || n > 1<<24 {
				break
			}
			return n * u.kib, nil
		}
	}
	return 0, fmt.Errorf("%q is not a hugepage size (like 2Mi or 1Gi)", s)
}

// FormatSize writes KiB as the kernel's boot arguments do ("2M", "1G").
func FormatSize(kib int64) string {
	switch {
	case kib%(1<<20) == 0:
		return fmt.Sprintf("%dG", kib>>20)
	case kib%(1<<10) == 0:
		return fmt.Sprintf("%dM", kib>>10)
	}
	return fmt.Sprintf("%dK", kib)
}
