#!/usr/bin/env bash
# Run one stage of `make test` under a header line and report how it ended and how long it took.
#
# Usage: scripts/stage.sh "title" command [args...]
# When STAGE_SUMMARY names a file, the closing line is appended to it as well, so that
# `make test` can repeat every stage's result at the end.
set -uo pipefail

title=$1
shift
printf '\n==> %s\n' "$title"
start=$SECONDS
"$@"
status=$?
elapsed=$((SECONDS - start))
if [[ $status -eq 0 ]]; then
    result="ok"
elif [[ $status -eq 5 && $(basename "$1") == pytest ]]; then
    # pytest's "no tests collected": every stage is meant to run tests, so it fails the build.
    result="FAILED, no tests were collected"
else
    result="FAILED, exit $status"
fi
line=$(printf '%-32s %s (%ss)' "$title" "$result" "$elapsed")
printf '<== %s\n' "$line"
if [[ -n ${STAGE_SUMMARY:-} ]]; then
    echo "$line" >>"$STAGE_SUMMARY"
fi
exit "$status"
