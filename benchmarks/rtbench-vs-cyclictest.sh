#!/usr/bin/env bash
# rtbench against cyclictest on the same CPU, interval and priority (CPU 1,
# 200 µs, SCHED_FIFO 95, -m), DURATION seconds a run, alternating PAIRS
# times, idle and with stress-ng --cpu 2 --vm 1 pinned to CPU 0; then the
# same with four busy goroutines inside the rtbench process. Prints p50,
# p99, p99.9 (µs) and the CPU time (user+system seconds) of each run.
#   usage (root): benchmarks/rtbench-vs-cyclictest.sh [DURATION] [PAIRS]
set -euo pipefail
dur=${1:-15}
pairs=${2:-3}
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
need cyclictest stress-ng taskset /usr/bin/time
need_root
work=$(mktemp -d)
trap 'pkill -x stress-ng 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/rtbench" ./cmd/rtbench

measure() { # tool load busy -> "p50 p99 p99.9 cpu_seconds"
  local tool=$1 load=$2 busy=$3 h="$work/h.$RANDOM" t="$work/t.$RANDOM"
  [ "$load" = load ] && { taskset -c 0 stress-ng --cpu 2 --vm 1 --timeout $((dur + 3)) >/dev/null 2>&1 & sleep 1; }
  if [ "$tool" = cyclictest ]; then
    /usr/bin/time -f "%U %S" -o "$t" taskset -c 0 cyclictest -m -q -p 95 -i 200 -a 1 -t 1 -D "$dur" -h 10000 --histfile="$h.raw" >/dev/null
    hist_pairs "$h.raw" >"$h"
  else
    /usr/bin/time -f "%U %S" -o "$t" "$work/rtbench" -m -q -p 95 -i 200 -a 1 -D "$dur" --busy-goroutines "$busy" --json "$h.json" >/dev/null
    python3 -c 'import json,sys; [print(k, v) for k, v in json.load(open(sys.argv[1]))["thread"]["0"]["histogram"].items()]' "$h.json" >"$h"
  fi
  [ "$load" = load ] && wait
  echo "$(pct <"$h" | cut -d' ' -f2-) $(awk '{printf "%.2f", $1 + $2}' "$t")"
}

printf '%-6s %-5s %-10s %4s %6s %6s %6s %8s\n' load busy tool pair p50 p99 p99.9 cpu_s
for load in idle load; do
  for busy in 0 4; do
    for ((i = 1; i <= pairs; i++)); do
      for tool in cyclictest rtbench; do
        read -r p50 p99 p999 cpu <<<"$(measure $tool $load $busy)"
        printf '%-6s %-5s %-10s %4d %6s %6s %6s %8s\n' "$load" "$busy" "$tool" "$i" "$p50" "$p99" "$p999" "$cpu"
      done
    done
  done
done
