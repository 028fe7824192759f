#!/usr/bin/env bash
# Measures whole `rtnode discover -o json` processes: wall time (cold: a new
# process each run, bash's time keyword) and peak RSS (GNU time, a second run), for the live host without and with a
# pci.ids database and for the 80-CPU capture. Runs alternate between the
# cases; the table gives median and range over RUNS runs.
#   usage: benchmarks/discover-cmd.sh [RUNS]      (needs GNU time at /usr/bin/time)
set -euo pipefail
runs=${1:-15}
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "discover-cmd.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go build -o "$work/rtnode" ./cmd/rtnode
machines=${RTNODE_MACHINES:-../shared/machines}
mkdir -p "$work/snc" && tar -xmf "$machines/hwloc-memorysidecaches.tar.bz2" -C "$work/snc"
snc=$(echo "$work"/snc/*)
pciids=""
for p in /usr/share/misc/pci.ids /usr/share/hwdata/pci.ids "$(go env GOMODCACHE)"/github.com/jaypipes/ghw@*/testdata/usr/share/hwdata/pci.ids; do
  [ -f "$p" ] && { pciids=$p; break; }
done
cases=("live-no-pciids" "live-pciids" "capture-80cpu")
measure() { # case -> "ms kb"
  local env=(env PCIDB_PATH=/nonexistent) args=(discover -o json)
  case $1 in
    live-pciids) [ -n "$pciids" ] || { echo "- -"; return; }; env=(env PCIDB_PATH="$pciids") ;;
    capture-80cpu) args+=(--root "$snc") ;;
  esac
  local sec kb TIMEFORMAT=%3R
  sec=$( { time "${env[@]}" "$work/rtnode" "${args[@]}" >/dev/null; } 2>&1 )
  kb=$( { /usr/bin/time -f "%M" "${env[@]}" "$work/rtnode" "${args[@]}" >/dev/null; } 2>&1 | tail -1)
  echo "$(awk -v s="$sec" 'BEGIN {print s * 1000000}') $kb"
}
for ((i = 0; i < runs; i++)); do
  for c in "${cases[@]}"; do echo "$c $(measure "$c")" >>"$work/raw"; done
done
printf '%-16s %6s %22s %22s\n' case runs "wall ms median [min-max]" "max RSS MB median [min-max]"
for c in "${cases[@]}"; do
  awk -v c="$c" '$1==c && $2!="-" {print $2/1000, $3/1024}' "$work/raw" | sort -n >"$work/t"
  n=$(wc -l <"$work/t"); [ "$n" -gt 0 ] || { printf '%-16s %6s\n' "$c" "skipped (no pci.ids)"; continue; }
  wall=$(awk '{print $1}' "$work/t" | sort -n | awk '{a[NR]=$1} END {printf "%.1f [%.1f-%.1f]", a[int((NR+1)/2)], a[1], a[NR]}')
  rss=$(awk '{print $2}' "$work/t" | sort -n | awk '{a[NR]=$1} END {printf "%.1f [%.1f-%.1f]", a[int((NR+1)/2)], a[1], a[NR]}')
  printf '%-16s %6d %22s %22s\n' "$c" "$n" "$wall" "$rss"
done
echo "pci.ids used for live-pciids: ${pciids:-none}"
