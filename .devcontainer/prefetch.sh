#!/usr/bin/env bash
# Run once when the devcontainer is created: a full build fetches every dependency and plugin
# (surefire's JUnit provider included, which dependency:go-offline misses), so that the learner's
# first `mvn verify` works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
if [ -d solutions ]; then
    cmd=(mvn -B verify -Psolutions)                          # the maintainers' repository: green
else
    cmd=(mvn -B verify -Dmaven.test.failure.ignore=true)     # a learner's repository: red tests are expected
fi
echo "prefetching dependencies: ${cmd[*]}"
if "${cmd[@]}" >"$log" 2>&1; then
    echo "prefetch done: mvn verify now works offline (mvn -o verify)"
else
    tail -40 "$log"
    echo "prefetch failed (full log: $log)" >&2
    exit 1
fi
