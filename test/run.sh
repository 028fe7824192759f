#!/usr/bin/env bash
# Runs every Go test one package at a time (the live tests change the host
# others read) and prints one line per package plus every skipped test with
# its reason, so a skip is never silent; on failure the whole verbose log
# follows. The log is kept in .cache/test.log.
#   usage: test/run.sh GO
set -uo pipefail
go=${1:-go}
cd "$(dirname "$0")/.."
mkdir -p .cache
log=.cache/test.log
"$go" test -count=1 -p 1 -v ./... >"$log" 2>&1
rc=$?
grep -E '^(ok|FAIL|\?) ' "$log"
awk '/^ *--- SKIP: / { sub(/^ */, ""); print "  " $0 ": " reason; next }
     /^ +[^ ]+\.go:[0-9]+: / { reason = $0; sub(/^ +/, "", reason) }' "$log" >"$log.skips"
if [ -s "$log.skips" ]; then
  echo "skipped:"
  cat "$log.skips"
fi
rm -f "$log.skips"
if [ $rc != 0 ]; then
  echo "--- go test failed (exit $rc); the whole log:"
  cat "$log"
fi
exit $rc
