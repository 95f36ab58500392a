# Sourced by ./stack and .ci/run: points JAVA_HOME at a JDK 21 or newer, or stops with one clear line.
# Order: JAVA_HOME when it is one, then the JDK of `javac` on the PATH, then the newest under /usr/lib/jvm.

java_major() { # the feature version of the JDK in $1 ("17", "21", "25"), or nothing
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ { sub(/^1\./, "", $2); print $2 }'
}

select_jdk() {
    local preferred=() dir major best="" best_major=0
    [ -n "${JAVA_HOME:-}" ] && preferred+=("$JAVA_HOME")
    command -v javac >/dev/null 2>&1 && preferred+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
    for dir in "${preferred[@]}"; do
        major=$(java_major "$dir")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then best=$dir; break; fi
    done
    if [ -z "$best" ]; then
        for dir in "${JDK_SEARCH_DIR:-/usr/lib/jvm}"/*; do
            major=$(java_major "$dir")
            if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
                best=$dir; best_major=$major
            fi
        done
    fi
    if [ -z "$best" ]; then
        echo "No JDK 21 or newer found (JAVA_HOME, PATH, ${JDK_SEARCH_DIR:-/usr/lib/jvm}); install one, e.g. 'apt-get install openjdk-21-jdk', or set JAVA_HOME." >&2
        exit 1
    fi
    export JAVA_HOME=$best
    export PATH="$JAVA_HOME/bin:$PATH"
}
