#!/usr/bin/env bash
# Run once when the devcontainer is created: a full build fetches every dependency and plugin
# (surefire's JUnit provider included, which dependency:go-offline misses), so that the learner's
# first `mvn verify` works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
if [ -d solutions ]; then
    cmd=(mvn -B verify -Psolutions)     # the maintainers' repository: green
else
    cmd=(mvn -B verify)                 # a learner's repository: red until solved, the scoreboard says so
fi
echo "prefetching dependencies: ${cmd[*]}"
status=0
"${cmd[@]}" >"$log" 2>&1 || status=$?
# A learner's build that got as far as the scoreboard fetched everything, even when it is red: its
# last line is then the scoreboard's verdict ("BUILD FAILURE: 0 of 6 katas solved; next …").
last=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -v -e '^[[:space:]]*$' -e '^WARNING: ' | tail -1)
if [ $status = 0 ] || { [ ! -d solutions ] && grep -q '^Scoreboard' "$log" && [[ $last == "BUILD FAILURE: "* ]]; }; then
    echo "prefetch done: mvn verify now works offline (mvn -o verify)"
else
    tail -40 "$log"
    echo "prefetch failed (full log: $log)" >&2
    exit 1
fi
