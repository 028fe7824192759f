# Shared helpers of the benchmark scripts (sourced, not run).

# need TOOL... : exit 2 naming the first missing tool.
need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$(basename "$0"): $tool is not installed (apt-get install rt-tests stress-ng tuned time)" >&2; exit 2; }
  done
}

# need_root : exit 2 unless root.
need_root() { [ "$(id -u)" = 0 ] || { echo "$(basename "$0"): needs root" >&2; exit 2; }; }

# hist_pairs HISTFILE : a cyclictest histogram file as "µs count" lines
# (overflows counted as one bucket beyond every other).
hist_pairs() {
  awk '/^[0-9]/ {print $1 + 0, $2 + 0} /# Histogram Overflows/ {print 1e9, $NF + 0}' "$1"
}

# hist_max HISTFILE : cyclictest's maximum latency.
hist_max() { awk '/# Max Latencies/ {print $NF + 0}' "$1"; }

# pct : "µs count" lines on stdin -> "min p50 p99 p99.9"
pct() {
  sort -n | awk '{c[NR] = $1; n[NR] = $2; t += $2}
       END { w[1] = 0.5; w[2] = 0.99; w[3] = 0.999; acc = 0; j = 1
             for (i = 1; i <= NR; i++) { if (min == "" && n[i] > 0) min = c[i]
               acc += n[i]; while (j <= 3 && acc >= w[j] * t) { p[j] = (c[i] >= 1e9 ? ">hist" : c[i]); j++ } }
             printf "%s %s %s %s", min, p[1], p[2], p[3] }'
}
