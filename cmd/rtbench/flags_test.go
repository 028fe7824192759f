package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-a", "1", "-p", "80", "-i", "200", "-D", "5m", "-m", "-q", "--p99", "50us", "--load", "cpu:2", "--load", "io"})
	if err != nil {
		t.Fatal(err)
	}
	if o.affinity.String() != "1" || o.priority != 80 || o.interval != 200*time.Microsecond || o.duration != 5*time.Minute ||
		!o.mlock || !o.quiet || o.targets.P99 != 50*time.Microsecond || len(o.loads) != 2 || o.loads[0].Workers != 2 {
		t.Errorf("options = %+v", o)
	}
	for in, want := range map[string]time.Duration{"30": 30 * time.Second, "30s": 30 * time.Second, "2h": 2 * time.Hour, "1d": 24 * time.Hour, "1m30s": 90 * time.Second} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("-D %s = %v, %v", in, got, err)
		}
	}
}

// TestBadFlags: each bad flag is one clear error (rtbench exits 2 for it).
func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-D", "5", "-i", "-100"}, "--interval -100: must be 50-10000000"},
		{[]string{"-D", "5", "-p", "100"}, "--priority 100: must be 1-99"},
		{[]string{"-D", "5", "-p", "0"}, "--priority 0: must be 1-99"},
		{[]string{"-D", "soon"}, `--duration "soon"`},
		{[]string{"-D", "-5s"}, `--duration "-5s"`},
		{[]string{}, "give --duration or --loops"},
		{[]string{"-D", "5", "-a", "1-x"}, `--affinity "1-x": not a cpulist`},
		{[]string{"-D", "5", "-a", "0-1", "-t", "3"}, "--threads 3: with --affinity 0-1 it must be 2"},
		{[]string{"-D", "5", "--p99", "50"}, `--p99 "50": want a positive duration with a unit`},
		{[]string{"-D", "5", "--load", "gpu"}, `--load "gpu": want cpu, memory or io`},
		{[]string{"-D", "5", "--tolerance", "0.5"}, "--tolerance 0.5: must be 1-100"},
		{[]string{"-D", "5", "--frobnicate"}, "unknown flag: --frobnicate"},
		{[]string{"-D", "5", "extra"}, `unexpected argument "extra"`},
	} {
		_, err := parseFlags(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("parseFlags(%q) = %v, want one line with %q", tc.args, err, tc.want)
		}
	}
}
