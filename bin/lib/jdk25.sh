# Sourced by .ci/run and the bin/ scripts, which all need a JDK 25 while a machine's default java
# may be older: `use_jdk25 NAME` exports JAVA_HOME and PATH for one, or exits 1 saying how to fix it
# (NAME starts the messages). A JAVA_HOME that already points at a JDK 25 wins.

# The major version of the java in $1/bin, or nothing.
java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

use_jdk25() {
    local who=$1 dir
    if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME")" != 25 ]; then
        JAVA_HOME=""
        for dir in /usr/lib/jvm/*25* /usr/local/sdkman/candidates/java/*25* /opt/java/*25*; do
            if [ -x "$dir/bin/javac" ] && [ "$(java_major "$dir")" = 25 ]; then
                JAVA_HOME=$dir
                break
            fi
        done
        if [ -z "$JAVA_HOME" ]; then
            echo "$who: no JDK 25 found (looked at \$JAVA_HOME, /usr/lib/jvm/*25*, sdkman and /opt/java)." >&2
            echo "$who: install a JDK 25 (e.g. Temurin 25) or set JAVA_HOME to one." >&2
            exit 1
        fi
    fi
    export JAVA_HOME
    export PATH="$JAVA_HOME/bin:$PATH"
}
