#!/usr/bin/env bash
# rtnode against tuned's cpu-partitioning profile (isolated_cores=1), side
# by side: cyclictest on CPU 1 (200 µs, SCHED_FIFO 95, -m), stress-ng
# --cpu 2 --vm 1 --hdd 1 pinned to CPU 0, DURATION seconds per run,
# alternating rtnode / tuned PAIRS times. tuned runs in the foreground
# without D-Bus for each run and rolls back when stopped; the masks it
# fails to roll back are restored from their values at the start.
#   usage (root): benchmarks/vs-tuned.sh [DURATION] [PAIRS]
set -euo pipefail
dur=${1:-15}
pairs=${2:-3}
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
need cyclictest stress-ng taskset tuned
need_root
vars=/etc/tuned/cpu-partitioning-variables.conf
work=$(mktemp -d)
state="$work/state"
cp "$vars" "$work/vars.orig"
masks=(/sys/devices/virtual/workqueue/cpumask /sys/bus/workqueue/devices/writeback/cpumask)
declare -A orig
for m in "${masks[@]}"; do orig[$m]=$(cat "$m"); done
go build -o "$work/rtnode" ./cmd/rtnode
cleanup() {
  pkill -x stress-ng 2>/dev/null || true
  pkill -x tuned 2>/dev/null || true
  sleep 2
  [ -f "$state/journal.jsonl" ] && "$work/rtnode" revert --state-dir "$state" >/dev/null
  cp "$work/vars.orig" "$vars"
  for m in "${masks[@]}"; do echo "${orig[$m]}" >"$m"; done
  rm -rf "$work"
}
trap cleanup EXIT
sed -i 's/^isolated_cores=.*/isolated_cores=1/' "$vars"

measure() { # rtnode|tuned
  local hist="$work/h.$RANDOM" prefix=()
  if [ "$1" = rtnode ]; then
    "$work/rtnode" apply --state-dir "$state" >/dev/null
    prefix=("$work/rtnode" exec --cpus 1 --)
  else
    tuned --no-dbus -p cpu-partitioning -l "$work/tuned.log" >/dev/null 2>&1 &
    sleep 6
    prefix=(taskset -c 1)
  fi
  taskset -c 0 stress-ng --cpu 2 --vm 1 --hdd 1 --timeout $((dur + 3)) >/dev/null 2>&1 &
  sleep 1
  "${prefix[@]}" cyclictest -m -q -p 95 -i 200 -a 1 -t 1 -D "$dur" -h 5000 --histfile="$hist" >/dev/null
  wait %%
  if [ "$1" = rtnode ]; then "$work/rtnode" revert --state-dir "$state" >/dev/null; else pkill -x tuned; sleep 3; fi
  for m in "${masks[@]}"; do echo "${orig[$m]}" >"$m"; done
  hist_pairs "$hist" | pct | cut -d' ' -f2-
}

printf '%-7s %4s %6s %6s %6s\n' tuner pair p50 p99 p99.9
for ((i = 1; i <= pairs; i++)); do
  for t in rtnode tuned; do
    read -r p50 p99 p999 <<<"$(measure $t)"
    printf '%-7s %4d %6s %6s %6s\n' "$t" "$i" "$p50" "$p99" "$p999"
  done
done
