package main

import (
	"fmt"
	"io"
	"os"

	"github.com/rtnode/rtnode/pkg/rt"
)

// report prints the results, writes the files asked for, and judges the
// run against the targets and the baseline.
func report(o *options, res *rt.Result, out io.Writer) (int, error) {
	if err := rt.WriteSummary(out, res); err != nil {
		return 4, err
	}
	if err := writeHistogram(o, res, out); err != nil {
		return 4, err
	}
	code, verdict, err := judge(o, res)
	if err != nil {
		return 2, err
	}
	if verdict != "" {
		fmt.Fprintln(out, verdict)
	}
	for _, f := range []struct {
		path  string
		write func(io.Writer) error
	}{
		{o.jsonFile, func(w io.Writer) error { return rt.WriteJSON(w, res, code) }},
		{o.saveBaseline, func(w io.Writer) error { return rt.WriteJSON(w, res, code) }},
		{o.reportFile, func(w io.Writer) error { return rt.WriteHTML(w, res, verdict) }},
	} {
		if f.path == "" {
			continue
		}
		if err := writeFile(f.path, f.write); err != nil {
			return 4, err
		}
	}
	return code, nil
}

// judge checks the targets, then the baseline.
func judge(o *options, res *rt.Result) (int, string, error) {
	if msg := rt.CheckTargets(res, o.targets); msg != "" {
		return 1, msg, nil
	}
	if o.baseline == "" {
		return 0, "", nil
	}
	f, err := os.Open(o.baseline)
	if err != nil {
		return 2, "", fmt.Errorf("--baseline: %v", err)
	}
	defer f.Close()
	base, err := rt.ReadJSON(f)
	if err != nil {
		return 2, "", fmt.Errorf("--baseline %s: %v", o.baseline, err)
	}
	v := rt.Compare(res, base, o.tolerance, o.stealLimit)
	switch {
	case v.Refused != "":
		return 3, v.Refused, nil
	case len(v.Regressions) > 0:
		return 1, "FAIL: " + v.Regressions[0], nil
	}
	return 0, fmt.Sprintf("OK: no p99/p99.9 regression against %s (tolerance %.2f×)", o.baseline, o.tolerance), nil
}

func writeHistogram(o *options, res *rt.Result, out io.Writer) error {
	if !o.printHist {
		return nil
	}
	if o.histFile == "" {
		return rt.WriteHistogram(out, res)
	}
	return writeFile(o.histFile, func(w io.Writer) error { return rt.WriteHistogram(w, res) })
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}
