package rt

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"
)

// WriteHTML writes a self-contained page: the percentiles table and, per
// CPU, the latency histogram as an inline SVG with log-scale counts.
func WriteHTML(w io.Writer, r *Result, verdict string) error {
	type cpuView struct {
		Stats
		SVG template.HTML
	}
	var cpus []cpuView
	for _, c := range r.CPUs {
		cpus = append(cpus, cpuView{c.Stats, template.HTML(histogramSVG(c))})
	}
	return page.Execute(w, map[string]any{
		"R": r, "CPUs": cpus, "Verdict": verdict, "Duration": r.End.Sub(r.Start).Round(time.Second),
	})
}

// histogramSVG draws counts per µs bucket up to the largest non-empty one,
// log10 scale, 640×200.
func histogramSVG(c CPUResult) string {
	const w, h, left, bottom = 640.0, 200.0, 40.0, 20.0
	last := 0
	for i, n := range c.Hist.Buckets {
		if n > 0 {
			last = i
		}
	}
	top := 0.0
	for _, n := range c.Hist.Buckets[:last+1] {
		top = max(top, math.Log10(float64(n)+1))
	}
	if top == 0 {
		top = 1
	}
	bw := (w - left) / float64(last+1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img" aria-label="latency histogram of cpu %d">`, w, h+bottom, c.CPU)
	for d := 0.0; d <= top; d++ {
		y := h - d/top*h
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#ddd"/><text x="2" y="%.1f" font-size="10">1e%.0f</text>`, left, y, w, y, y+4, d)
	}
	for i, n := range c.Hist.Buckets[:last+1] {
		if n == 0 {
			continue
		}
		bh := math.Log10(float64(n)+1) / top * h
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="#3366cc"><title>%d µs: %d</title></rect>`,
			left+float64(i)*bw, h-bh, max(bw-0.5, 0.5), bh, i, n)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"p50", c.P50}, {"p99", c.P99}, {"p99.9", c.P999}} {
		x := left + p.v*bw
		fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="%.0f" stroke="#cc3333" stroke-dasharray="3,2"/><text x="%.1f" y="10" font-size="10" fill="#cc3333">%s</text>`, x, x, h, x+2, p.name)
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10">0 µs</text><text x="%.0f" y="%.0f" font-size="10" text-anchor="end">%d µs</text></svg>`,
		left, h+14, w, h+14, last)
	return b.String()
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{"pct": func(f float64) float64 { return f * 100 }}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rtbench report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:3px 8px;text-align:right}
.fail{color:#b00;font-weight:bold}.ok{color:#080}</style></head><body>
<h1>rtbench report</h1>
<p>{{.R.Cmdline}}</p>
<p>{{len .R.CPUs}} cpus, interval {{.R.Interval}}, priority {{.R.Priority}}, {{.Duration}}, {{if .R.Tuned}}tuned (isolated cpus){{else}}untuned{{end}}, started {{.R.Start.Format "2006-01-02 15:04:05 MST"}}</p>
{{if .Verdict}}<p class="fail">{{.Verdict}}</p>{{else}}<p class="ok">no target failed</p>{{end}}
<table><tr><th>cpu</th><th>cycles</th><th>min µs</th><th>avg µs</th><th>p50</th><th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th><th>overruns</th><th>steal</th><th>context switches</th></tr>
{{range .CPUs}}<tr><td>{{.CPU}}</td><td>{{.Cycles}}</td><td>{{printf "%.0f" .Min}}</td><td>{{printf "%.1f" .Avg}}</td><td>{{printf "%.0f" .P50}}</td><td>{{printf "%.0f" .P99}}</td><td>{{printf "%.0f" .P999}}</td><td>{{printf "%.0f" .P9999}}</td><td>{{printf "%.0f" .Max}}</td><td>{{.Overruns}}</td><td>{{printf "%.2f%%" (pct .Noise.StealShare)}}</td><td>{{.Noise.VoluntarySwitches}}/{{.Noise.InvoluntarySwitches}}</td></tr>
{{end}}</table>
{{range .CPUs}}<h2>cpu {{.CPU}}</h2>{{.SVG}}{{end}}
</body></html>
`))
