package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rtnode/rtnode/pkg/profile"
)

// The JSON form of a Plan is documented in docs/plan.md.

type planJSON struct {
	Profile   string          `json:"profile"`
	Reserved  string          `json:"reserved"`
	Isolated  string          `json:"isolated"`
	IRQTarget string          `json:"irqTarget"`
	Actions   []actionJSON    `json:"actions"`
	HugePages []hugePagesJSON `json:"hugepages"`
	BootArgs  bootArgsJSON    `json:"bootArgs"`
	Notes     []string        `json:"notes"`
}

type actionJSON struct {
	Kind   ActionKind `json:"kind"`
	Target string     `json:"target"`
	From   string     `json:"from"`
	To     string     `json:"to"`
	Reason string     `json:"reason"`
}

type hugePagesJSON struct {
	Node      int   `json:"node"`
	SizeKiB   int64 `json:"sizeKiB"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
	NeedBytes int64 `json:"needBytes"`
	FreeBytes int64 `json:"freeBytes"`
	Feasible  bool  `json:"feasible"`
}

type bootArgsJSON struct {
	Recommended []string      `json:"recommended"`
	Missing     []missingJSON `json:"missing"`
}

type missingJSON struct {
	Arg     string `json:"arg"`
	Current string `json:"current"`
}

// MarshalJSON writes the documented JSON form of the plan.
func (pl Plan) MarshalJSON() ([]byte, error) {
	v := planJSON{Profile: pl.Profile, Reserved: pl.Reserved.String(), Isolated: pl.Isolated.String(),
		IRQTarget: pl.IRQTarget.String(), Actions: []actionJSON{}, HugePages: []hugePagesJSON{},
		BootArgs: bootArgsJSON{Recommended: pl.BootArgs.Recommended, Missing: []missingJSON{}}, Notes: pl.Notes}
	for _, a := range pl.Actions {
		v.Actions = append(v.Actions, actionJSON(a))
	}
	for _, h := range pl.HugePages {
		v.HugePages = append(v.HugePages, hugePagesJSON(h))
	}
	for _, m := range pl.BootArgs.Missing {
		v.BootArgs.Missing = append(v.BootArgs.Missing, missingJSON(m))
	}
	if v.Notes == nil {
		v.Notes = []string{}
	}
	return json.Marshal(v)
}

// Text renders the plan as a readable diff against the host.
func (pl *Plan) Text() string {
	var b strings.Builder
	name := pl.Profile
	if name == "" {
		name = "(unnamed)"
	}
	fmt.Fprintf(&b, "profile %s: reserved (housekeeping) %s, isolated %s; irqs to %s\n", name, pl.Reserved, pl.Isolated, pl.IRQTarget)
	fmt.Fprintf(&b, "\nruntime changes (%d):\n", len(pl.Actions))
	for _, a := range pl.Actions {
		fmt.Fprintf(&b, "  %-20s %s: %s -> %s\n  %-20s   %s\n", a.Kind, a.Target, quoteEmpty(a.From), quoteEmpty(a.To), "", a.Reason)
	}
	if len(pl.HugePages) > 0 {
		b.WriteString("\nhugepages:\n")
		for _, h := range pl.HugePages {
			state := "fits"
			if !h.Feasible {
				state = "DOES NOT FIT now"
			}
			fmt.Fprintf(&b, "  node %d %s: %d -> %d pages (needs %d MiB, %d MiB free: %s)\n",
				h.Node, profile.FormatSize(h.SizeKiB), h.From, h.To, h.NeedBytes>>20, h.FreeBytes>>20, state)
		}
	}
	b.WriteString("\nboot arguments (runtime changes cannot replace them; add them to the kernel command line and reboot):\n")
	fmt.Fprintf(&b, "  recommended: %s\n", strings.Join(pl.BootArgs.Recommended, " "))
	if len(pl.BootArgs.Missing) == 0 {
		b.WriteString("  the running kernel has them all\n")
	}
	for _, m := range pl.BootArgs.Missing {
		if m.Current == "" {
			fmt.Fprintf(&b, "  missing: %s\n", m.Arg)
		} else {
			fmt.Fprintf(&b, "  differs: %s (booted with %s)\n", m.Arg, m.Current)
		}
	}
	if len(pl.Notes) > 0 {
		b.WriteString("\nnotes:\n")
		for _, n := range pl.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	return b.String()
}

func quoteEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
