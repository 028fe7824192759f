#!/usr/bin/env bash
# The wake-up latency floor of this machine, untuned, with cyclictest on
# CPU 1 (200 µs interval, SCHED_FIFO 95, memory locked): the part of every
# wake-up that no guest tuning can remove. Conditions, alternated PAIRS times:
#   idle:     nothing else runs;
#   spinner:  a SCHED_IDLE busy loop on CPU 1, so the CPU never halts
#             between wake-ups (what idle=poll would do): if the floor were
#             the cost of leaving a halted vCPU, it would drop here;
#   load-cpu0: stress-ng --cpu 2 --vm 1 --hdd 1 pinned to CPU 0, CPU 1 idle:
#             what the other vCPU's work costs through the hypervisor.
# Prints min, p50, p99, p99.9 and max (max is no guide on a VM).
#   usage (root): benchmarks/wakeup-floor.sh [DURATION] [PAIRS]
set -euo pipefail
dur=${1:-10}
pairs=${2:-3}
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
need cyclictest stress-ng taskset chrt
need_root
work=$(mktemp -d)
cleanup() {
  pkill -x stress-ng 2>/dev/null || true
  [ -n "${spin:-}" ] && kill "$spin" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

measure() { # condition -> prints percentiles
  local cond=$1 hist="$work/h.$RANDOM"
  spin=
  case $cond in
    spinner) taskset -c 1 chrt -i 0 sh -c 'while :; do :; done' & spin=$! ;;
    load-cpu0) taskset -c 0 stress-ng --cpu 2 --vm 1 --hdd 1 --timeout $((dur + 3)) >/dev/null 2>&1 & ;;
  esac
  sleep 1
  cyclictest -m -q -p 95 -i 200 -a 1 -t 1 -D "$dur" -h 5000 --histfile="$hist" >/dev/null
  [ -n "$spin" ] && kill "$spin" && wait "$spin" 2>/dev/null || true
  wait
  echo "$(hist_pairs "$hist" | pct) $(hist_max "$hist")"
}

printf '%-9s %4s %6s %6s %6s %7s %7s\n' condition pair min p50 p99 p99.9 max
for ((i = 1; i <= pairs; i++)); do
  for cond in idle spinner load-cpu0; do
    read -r mn p50 p99 p999 mx <<<"$(measure $cond)"
    printf '%-9s %4d %6s %6s %6s %7s %7s\n' "$cond" "$i" "$mn" "$p50" "$p99" "$p999" "$mx"
  done
done
