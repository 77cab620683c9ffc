#!/bin/sh
# proxy.sh - terse proxy against a fake provider (tests/proxy_test.js), with a
# real redis-server on 127.0.0.1 for the shared-cache checks. Prints
# "ok - ..." / "not ok - ..." per check.
#
#   tests/proxy.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
BUILD=${1:-build}
tmp=$(mktemp -d)
redis_pid=
cleanup() {
    [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v redis-server >/dev/null 2>&1; then
    echo "not ok - redis-server is not installed (scripts/bootstrap.sh installs it)"
    exit 1
fi
# a free port, then redis-server on it (a few tries: another process may take it first)
for try in 1 2 3; do
    port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
        > "$tmp/redis.log" 2>&1 &
    redis_pid=$!
    i=0
    while [ $i -lt 50 ] && ! redis-cli -p "$port" ping > /dev/null 2>&1; do
        sleep 0.1
        i=$((i + 1))
    done
    if redis-cli -p "$port" ping > /dev/null 2>&1; then
        break
    fi
    kill "$redis_pid" 2>/dev/null
    redis_pid=
done
if [ -z "$redis_pid" ]; then
    echo "not ok - redis-server did not start: $(tail -1 "$tmp/redis.log")"
    exit 1
fi
REDIS_PORT=$port node tests/proxy_test.js "$BUILD"
