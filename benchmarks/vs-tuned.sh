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
for tool in cyclictest stress-ng taskset tuned; do
  command -v $tool >/dev/null || { echo "vs-tuned.sh: $tool is not installed (apt-get install rt-tests stress-ng tuned)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "vs-tuned.sh: needs root" >&2; exit 2; }
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

percentiles() { # HISTFILE -> "p50 p99 p99.9"
  awk '/^[0-9]/ {c[$1+0] += $2; n += $2} /# Histogram Overflows/ {n += $NF + 0}
       END { want[1] = 0.5; want[2] = 0.99; want[3] = 0.999; acc = 0; j = 1
             for (i = 0; i <= 100000 && j <= 3; i++) { acc += c[i]; while (j <= 3 && acc >= want[j] * n) { p[j] = i; j++ } }
             for (; j <= 3; j++) p[j] = ">hist"
             printf "%s %s %s", p[1], p[2], p[3] }' "$1"
}

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
  percentiles "$hist"
}

printf '%-7s %4s %6s %6s %6s\n' tuner pair p50 p99 p99.9
for ((i = 1; i <= pairs; i++)); do
  for t in rtnode tuned; do
    read -r p50 p99 p999 <<<"$(measure $t)"
    printf '%-7s %4d %6s %6s %6s\n' "$t" "$i" "$p50" "$p99" "$p999"
  done
done
