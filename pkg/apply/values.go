package apply

import (
	"strconv"
	"strings"

	"github.com/rtnode/rtnode/pkg/topology"
)

// Comparisons and restore forms of the file formats rtnode writes.

// verbatim restores a file by writing back exactly what it held.
func verbatim(raw string) string { return raw }

// selected restores a choice file ("always [madvise] never") by its word.
func selected(raw string) string { return selectedWord(raw) }

func selectedWord(s string) string {
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, "[") && strings.HasSuffix(f, "]") {
			return strings.Trim(f, "[]")
		}
	}
	return strings.TrimSpace(s)
}

func sameWords(raw, want string) bool {
	return strings.Join(strings.Fields(raw), " ") == strings.Join(strings.Fields(want), " ")
}

func sameChoice(raw, want string) bool { return selectedWord(raw) == want }

func sameList(raw, want string) bool {
	a, err1 := topology.ParseCPUList(raw)
	b, err2 := topology.ParseCPUList(want)
	return err1 == nil && err2 == nil && a.Equals(b)
}

func sameMask(raw, want string) bool {
	a, err1 := topology.ParseCPUMask(raw)
	b, err2 := topology.ParseCPUMask(want)
	return err1 == nil && err2 == nil && a.Equals(b)
}

func sameInt(raw, want string) bool {
	a, err1 := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	b, err2 := strconv.ParseInt(strings.TrimSpace(want), 10, 64)
	return err1 == nil && err2 == nil && a == b
}

// maskValue turns a plan's cpulist into the hex mask the file holds.
func maskValue(list string) string {
	set, err := topology.ParseCPUList(list)
	if err != nil {
		return list
	}
	return topology.FormatCPUMask(set)
}
