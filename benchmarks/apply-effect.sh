#!/usr/bin/env bash
# The effect of `rtnode apply` on wake-up latency (issue 4), measured with
# cyclictest on CPU 1 (200 µs interval, SCHED_FIFO 95, memory locked),
# alternating untuned and tuned runs of DURATION seconds, PAIRS times, in
# two scenarios:
#   unpinned: stress-ng --cpu 2 --vm 1 --hdd 1 started after tuning (as other
#             pods would be): tuned, it lands on the housekeeping cpu;
#   pinned:   the same load pinned to CPU 0 with taskset.
# Tuned runs enter the isolated cpu with `rtnode exec`. Prints min, p50, p99,
# p99.9 and max (max is set by the hypervisor here and is no guide).
#   usage (root): benchmarks/apply-effect.sh [DURATION] [PAIRS]
set -euo pipefail
dur=${1:-15}
pairs=${2:-3}
cd "$(dirname "$0")/.."
for tool in cyclictest stress-ng taskset; do
  command -v $tool >/dev/null || { echo "apply-effect.sh: $tool is not installed (apt-get install rt-tests stress-ng)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "apply-effect.sh: needs root" >&2; exit 2; }
work=$(mktemp -d)
state="$work/state"
go build -o "$work/rtnode" ./cmd/rtnode
cleanup() {
  pkill -x stress-ng 2>/dev/null || true
  [ -f "$state/journal.jsonl" ] && "$work/rtnode" revert --state-dir "$state" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# percentiles HISTFILE -> "min p50 p99 p99.9 max" in µs
percentiles() {
  awk '/^[0-9]/ {c[$1+0] += $2; n += $2}
       /# Max Latencies/ {max = $NF + 0}
       /# Histogram Overflows/ {of = $NF + 0}
       END {
         n += of; want[1] = 0.5; want[2] = 0.99; want[3] = 0.999
         for (k in c) if (c[k] > 0 && (min == "" || k + 0 < min)) min = k + 0
         acc = 0; j = 1
         for (i = 0; i <= 100000 && j <= 3; i++) { acc += c[i]; while (j <= 3 && acc >= want[j] * n) { p[j] = i; j++ } }
         for (; j <= 3; j++) p[j] = ">hist"
         printf "%s %s %s %s %s", min, p[1], p[2], p[3], max }' "$1"
}

measure() { # scenario tuned|untuned -> prints percentiles
  local scenario=$1 mode=$2 hist="$work/h.$RANDOM" prefix=()
  if [ "$mode" = tuned ]; then
    "$work/rtnode" apply --state-dir "$state" >/dev/null
    prefix=("$work/rtnode" exec --cpus 1 --)
  fi
  if [ "$scenario" = pinned ]; then
    taskset -c 0 stress-ng --cpu 2 --vm 1 --hdd 1 --timeout $((dur + 3)) >/dev/null 2>&1 &
  else
    stress-ng --cpu 2 --vm 1 --hdd 1 --timeout $((dur + 3)) >/dev/null 2>&1 &
  fi
  sleep 1
  "${prefix[@]}" cyclictest -m -q -p 95 -i 200 -a 1 -t 1 -D "$dur" -h 5000 --histfile="$hist" >/dev/null
  wait
  [ "$mode" = tuned ] && "$work/rtnode" revert --state-dir "$state" >/dev/null
  percentiles "$hist"
}

printf '%-9s %-8s %4s %6s %6s %6s %7s %7s\n' scenario mode pair min p50 p99 p99.9 max
for scenario in unpinned pinned; do
  for ((i = 1; i <= pairs; i++)); do
    for mode in untuned tuned; do
      read -r mn p50 p99 p999 mx <<<"$(measure $scenario $mode)"
      printf '%-9s %-8s %4d %6s %6s %6s %7s %7s\n' "$scenario" "$mode" "$i" "$mn" "$p50" "$p99" "$p999" "$mx"
    done
  done
done
