package apply

import (
	"strconv"
	"strings"

	"github.com/rtnode/rtnode/pkg/discover"
	"github.com/rtnode/rtnode/pkg/topology"
)

// Comparisons and restore forms of the file formats rtnode writes.

// A restorer says what to write to give a file its original content back,
// and whether the file is a choice file ("always [madvise] never"), which
// reads back its selected word rather than what was written.
type restorer func(raw string) (restore string, choice bool)

// verbatim restores a file by writing back exactly what it held.
func verbatim(raw string) (string, bool) { return raw, false }

// selected restores a choice file by its selected word.
func selected(raw string) (string, bool) { return discover.SelectedMode(raw), true }

func sameWords(raw, want string) bool {
	return strings.Join(strings.Fields(raw), " ") == strings.Join(strings.Fields(want), " ")
}

func sameChoice(raw, want string) bool { return discover.SelectedMode(raw) == want }

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
