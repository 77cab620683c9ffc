# lib.sh - the helpers the shell test groups share. Source it after setting
# GROUP (the name printed in every line) and, for the fake provider, $tmp
# (a scratch directory) and $FAKE (tests/fake_provider.js).
#
#   ok NAME / notok NAME     print "ok - GROUP: NAME" / "not ok - GROUP: NAME"
#   verdict NAME             ok when the previous command (list) succeeded
#   say STATUS NAME          ok when STATUS is 0; returns 1 otherwise, so that
#                            `say $? NAME || show-why` prints the diagnostics
#   q LOG JS                 evaluates JS with `r` = the JSON-lines records of LOG
#   j FILE JS                evaluates JS with `o` = the JSON object in FILE
#   fake_start LOG [OPT...]  starts the fake provider on 127.0.0.1 with the
#                            script $tmp/script.json; sets $server_pid, $port
#   stop_server              stops it

ok() { echo "ok - $GROUP: $1"; }
notok() { echo "not ok - $GROUP: $1"; }
verdict() {
    if [ $? = 0 ]; then ok "$1"; else notok "$1"; fi
}
say() { if [ "$1" = 0 ]; then ok "$2"; else notok "$2"; return 1; fi; }

q() { node -e "const r=require('fs').readFileSync('$1','utf8').split('\n').filter(Boolean).map(JSON.parse);
console.log(String((() => { $2 })()))"; }
j() { node -e "const o=JSON.parse(require('fs').readFileSync('$1','utf8')); console.log(String((() => { $2 })()))"; }

fake_start() {
    log=$1
    shift
    : > "$log"
    rm -f "$tmp/port"
    node "$FAKE" --log "$log" --script "$tmp/script.json" "$@" > "$tmp/port" 2> "$tmp/server.err" &
    server_pid=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    port=$(cat "$tmp/port")
}
stop_server() {
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=
}
