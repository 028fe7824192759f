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
for tool in cyclictest stress-ng taskset; do
  command -v $tool >/dev/null || { echo "rtbench-vs-cyclictest.sh: $tool is not installed (apt-get install rt-tests stress-ng)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "rtbench-vs-cyclictest.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "rtbench-vs-cyclictest.sh: needs root" >&2; exit 2; }
work=$(mktemp -d)
trap 'pkill -x stress-ng 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/rtbench" ./cmd/rtbench

pct() { # histogram lines "us count" on stdin -> "p50 p99 p99.9"
  awk '{c[$1+0] += $2; n += $2} END { w[1]=0.5; w[2]=0.99; w[3]=0.999; acc=0; j=1
       for (i = 0; i <= 100000 && j <= 3; i++) { acc += c[i]; while (j <= 3 && acc >= w[j]*n) { p[j]=i; j++ } }
       printf "%s %s %s", p[1], p[2], p[3] }'
}

measure() { # tool load busy -> "p50 p99 p99.9 cpu_seconds"
  local tool=$1 load=$2 busy=$3 h="$work/h.$RANDOM" t="$work/t.$RANDOM"
  [ "$load" = load ] && { taskset -c 0 stress-ng --cpu 2 --vm 1 --timeout $((dur + 3)) >/dev/null 2>&1 & sleep 1; }
  if [ "$tool" = cyclictest ]; then
    /usr/bin/time -f "%U %S" -o "$t" taskset -c 0 cyclictest -m -q -p 95 -i 200 -a 1 -t 1 -D "$dur" -h 10000 --histfile="$h.raw" >/dev/null
    grep -v '^#' "$h.raw" | awk '{print $1+0, $2+0}' >"$h"
  else
    /usr/bin/time -f "%U %S" -o "$t" "$work/rtbench" -m -q -p 95 -i 200 -a 1 -D "$dur" --busy-goroutines "$busy" --json "$h.json" >/dev/null
    python3 -c 'import json,sys; [print(k, v) for k, v in json.load(open(sys.argv[1]))["thread"]["0"]["histogram"].items()]' "$h.json" >"$h"
  fi
  [ "$load" = load ] && wait
  echo "$(pct <"$h") $(awk '{printf "%.2f", $1 + $2}' "$t")"
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
