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
. benchmarks/lib.sh
need cyclictest stress-ng taskset
need_root
work=$(mktemp -d)
state="$work/state"
go build -o "$work/rtnode" ./cmd/rtnode
cleanup() {
  pkill -x stress-ng 2>/dev/null || true
  [ -f "$state/journal.jsonl" ] && "$work/rtnode" revert --state-dir "$state" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

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
  echo "$(hist_pairs "$hist" | pct) $(hist_max "$hist")"
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
