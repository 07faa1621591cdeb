#!/usr/bin/env bash
# Run make targets at the same time, each one's output shown whole when it ends.
#
# Usage: scripts/side-by-side.sh target...
# `make test` runs the suites on SQLite and PostgreSQL and the API fuzzing this way: on
# two cores they take about as long together as the PostgreSQL suite alone, which spends
# much of its time waiting on its server. Exits non-zero when any target failed.
set -uo pipefail

make=${MAKE:-make}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

declare -A target_of
for target in "$@"; do
    "$make" --no-print-directory "$target" >"$logs/$target" 2>&1 &
    target_of[$!]=$target
done

status=0
for _ in "$@"; do
    wait -n -p pid
    code=$?
    cat "$logs/${target_of[$pid]}"
    [[ $code -eq 0 ]] || status=1
done
exit "$status"
