package discover

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/jaypipes/ghw"
	"github.com/jaypipes/pcidb"

	"github.com/rtnode/rtnode/pkg/topology"
)

// ghwOptions are the options every ghw call gets: the host root, no
// external tools, no network, and warnings collected as gaps.
func (d *Discoverer) ghwOptions(what string, g *gaps) []any {
	return []any{
		ghw.WithChroot(d.root.Dir()),
		ghw.WithDisableTools(),
		ghw.WithDisableTopology(),
		ghw.WithLogger(slog.New(&gapHandler{what: what, gaps: g})),
	}
}

// readPackages takes each socket's vendor and model from ghw.
func (d *Discoverer) readPackages(m *topology.Machine, g *gaps) {
	info, err := ghw.CPU(d.ghwOptions("packages", g)...)
	if err != nil {
		g.addf("packages", "ghw: %v", err)
		return
	}
	for _, p := range info.Processors {
		m.Packages = append(m.Packages, topology.Package{ID: p.ID, Vendor: p.Vendor, Model: strings.TrimSpace(p.Model)})
	}
}

// pciDB loads the pci.ids database once: the one PCIDB_PATH names, else the
// host's (below the root), else the one beside rtnode (the live system or
// its container image), else an empty database, with which devices keep
// their numeric ids.
func (d *Discoverer) pciDB(g *gaps) *pcidb.PCIDB {
	if d.db != nil {
		return d.db
	}
	no := false
	var opts []*pcidb.WithOption
	if p := os.Getenv("PCIDB_PATH"); p != "" {
		opts = append(opts, pcidb.WithPath(p))
	}
	opts = append(opts, pcidb.WithChroot(d.root.Dir()), pcidb.WithChroot("/"))
	for _, o := range opts {
		o.EnableNetworkFetch, o.CachePath = &no, new(string)
		if db, err := pcidb.New(o); err == nil {
			d.db = db
			return db
		}
	}
	g.add("pci names", "no pci.ids database below the root or on this system (install Debian's pci.ids package); devices show numeric ids")
	d.db = emptyPCIDB()
	return d.db
}

var emptyPCIDB = sync.OnceValue(func() *pcidb.PCIDB {
	return &pcidb.PCIDB{
		Classes:  map[string]*pcidb.Class{},
		Vendors:  map[string]*pcidb.Vendor{},
		Products: map[string]*pcidb.Product{},
	}
})

// gapHandler turns ghw's warnings into gaps.
type gapHandler struct {
	what string
	gaps *gaps
}

// Enabled takes warnings and errors.
func (h *gapHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

// Handle records a ghw warning as a gap.
func (h *gapHandler) Handle(_ context.Context, r slog.Record) error {
	if !strings.Contains(r.Message, "topology detection disabled") {
		h.gaps.add(h.what, "ghw: "+r.Message)
	}
	return nil
}

// WithAttrs ignores attributes: gaps are messages.
func (h *gapHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup ignores groups.
func (h *gapHandler) WithGroup(string) slog.Handler { return h }
