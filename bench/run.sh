#!/usr/bin/env bash
# Benchmarks Portcullis side by side with HAProxy and nginx on this machine and writes
# bench/RESULTS.md, two charts beside it and the raw data under bench/results/.
# How it measures and why: bench/README.md.
set -Eeuo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [--quick] [--jvm-flags "FLAGS"] [--duration SECONDS] [--rounds N]
                    [--scenarios LIST] [--keep-temp]

  --quick             every scenario once and short: under 2 minutes
  --jvm-flags FLAGS   JVM flags for Portcullis (default: none, plain `java -jar` as in README)
  --duration SECONDS  length of one measured round (default 5, quick 2)
  --rounds N          interleaved rounds per scenario (default 3, quick 1)
  --scenarios LIST    comma-separated subset of: ka100 ka16k close tls_ka tls_close h2
                      c16 c256 c2048 idle upload download (default: all)
  --keep-temp         keep the temporary directory (configs, logs) instead of deleting it
EOF
}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$BENCH_DIR/.." && pwd)
JAR=$ROOT_DIR/proxy-server/target/portcullis.jar
PROXIES=(portcullis haproxy nginx)
PROXY_CPU=0
LOAD_CPU=1
ALL_SCENARIOS=(ka100 ka16k close tls_ka tls_close h2 c16 c256 c2048 idle upload download)

MODE=full
JVM_FLAGS=""
DURATION=""
ROUNDS=""
SCENARIO_LIST=""
KEEP_TEMP=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) MODE=quick ;;
        --jvm-flags) JVM_FLAGS=${2?--jvm-flags needs a value}; shift ;;
        --duration) DURATION=${2?--duration needs a value}; shift ;;
        --rounds) ROUNDS=${2?--rounds needs a value}; shift ;;
        --scenarios) SCENARIO_LIST=${2?--scenarios needs a value}; shift ;;
        --keep-temp) KEEP_TEMP=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

# Sizes and times of the two modes. BUDGET is the whole run's bound in seconds: repeats of
# disturbed rounds are only made while the plan still fits in it.
CONNS=64            # connections of the standard wrk scenarios
H2_CONNS=64         # h2load connections ...
H2_STREAMS=10       # ... and concurrent streams on each
ROUND_OVERHEAD=0.6  # seconds a round costs besides its load (reading /proc, starting wrk)
if [[ $MODE == quick ]]; then
    DURATION=${DURATION:-2}
    ROUNDS=${ROUNDS:-1}
    WARMUP=6
    PEER_WARMUP=1
    IDLE_CONNS=5000
    TRANSFER_BYTES=$((128 * 1024 * 1024))
    BUDGET=115
else
    DURATION=${DURATION:-5}
    ROUNDS=${ROUNDS:-3}
    WARMUP=25
    PEER_WARMUP=2
    IDLE_CONNS=10000
    TRANSFER_BYTES=$((1024 * 1024 * 1024))
    BUDGET=700
fi
OTHER_MAX_PCT=5   # time others used on either core, in % of the round: disturbed above
STEAL_MAX_PCT=5   # hypervisor steal, in % of both cores: disturbed above
CV_MAX_PCT=10     # coefficient of variation of req/s across rounds: the rounds are repeated above

[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --duration must be whole seconds, got '$DURATION'" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds must be a positive number, got '$ROUNDS'" >&2; exit 2; }
SCENARIOS=()
if [[ -z $SCENARIO_LIST ]]; then
    SCENARIOS=("${ALL_SCENARIOS[@]}")
else
    IFS=, read -r -a SCENARIOS <<<"$SCENARIO_LIST"
    for s in "${SCENARIOS[@]}"; do
        [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || { echo "run.sh: unknown scenario '$s'" >&2; exit 2; }
    done
fi

declare -A LABEL=(
    [ka100]="keep-alive, 100 B"
    [ka16k]="keep-alive, 16 KiB"
    [close]="new connection per request"
    [tls_ka]="TLS 1.3 keep-alive"
    [tls_close]="new TLS connection per request"
    [h2]="HTTP/2 over TLS (h2load, ${H2_CONNS} conn × ${H2_STREAMS} streams)"
    [c16]="keep-alive 100 B, 16 connections"
    [c256]="keep-alive 100 B, 256 connections"
    [c2048]="keep-alive 100 B, 2,048 connections"
)
# Shorter names for the chart's axis.
declare -A SHORT=(
    [ka100]="keep-alive 100 B" [ka16k]="keep-alive 16 KiB" [close]="new conn. per request"
    [tls_ka]="TLS keep-alive" [tls_close]="new TLS conn. per request" [h2]="HTTP/2 over TLS"
)
declare -A PROXY_NAME=([portcullis]=Portcullis [haproxy]=HAProxy [nginx]=nginx)

START=$EPOCHSECONDS
PLAN_LEFT=0

log() { printf '%s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }
fmt_secs() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
wanted() { [[ " ${SCENARIOS[*]} " == *" $1 "* ]]; }

# Adds or removes planned seconds (fractions allowed) from the estimate of what is left.
plan_add() { PLAN_LEFT=$(awk -v a="$PLAN_LEFT" -v b="$1" 'BEGIN { printf "%.1f", a + b }'); }
plan_done() { plan_add "-$1"; }
plan_left_secs() { awk -v a="$PLAN_LEFT" 'BEGIN { printf "%d", (a < 0 ? 0 : a) + 0.5 }'; }
progress() {
    printf '[%s elapsed, ~%s left] %s\n' "$(fmt_secs $((EPOCHSECONDS - START)))" \
        "$(fmt_secs "$(plan_left_secs)")" "$*"
}
# Whether SECONDS more still fit in the budget next to what is planned.
fits_budget() {
    awk -v used=$((EPOCHSECONDS - START)) -v plan="$PLAN_LEFT" -v more="$1" -v budget="$BUDGET" \
        'BEGIN { exit !(used + plan + more <= budget) }'
}

# ---------------------------------------------------------------------------------------------
# Tools, the jar, the temporary directory

install_missing() {
    local -a missing=()
    command -v nginx >/dev/null 2>&1 || missing+=(nginx)
    command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
    command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
    command -v ss >/dev/null 2>&1 || missing+=(iproute2)
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v jcmd >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || [[ -f $JAR ]] || missing+=(maven)
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing: ${missing[*]}"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    fi
}

install_missing
[[ $(nproc --all) -ge 2 ]] || die "needs two cores (one for the proxies, one for load and origins), found $(nproc --all)"
if [[ ! -f $JAR ]]; then
    log "building $JAR"
    (cd "$ROOT_DIR" && mvn -B -q package -DskipTests)
fi

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS_DIR=$BENCH_DIR/results/$RUN_ID
RAW_DIR=$RESULTS_DIR/raw
mkdir -p "$RAW_DIR"
TMP=$(mktemp -d /tmp/portcullis-bench.XXXXXX)
# nginx workers run as an unprivileged user and must read the document root.
chmod 755 "$TMP"

ROUNDS_CSV=$RESULTS_DIR/rounds.csv
STATUS_CSV=$RESULTS_DIR/status.csv
IDLE_CSV=$RESULTS_DIR/idle.csv
TRANSFER_CSV=$RESULTS_DIR/transfers.csv
echo "scenario,proxy,round,state,rps,p50_us,p99_us,p999_us,requests,non2xx,socket_errors,timeouts,cpu_ticks,elapsed_s,peak_rss_kib,other_cpu0_pct,other_cpu1_pct,steal_pct" >"$ROUNDS_CSV"
echo "scenario,proxy,status,reason" >"$STATUS_CSV"
echo "proxy,connections,held,failed,rss_before_kib,rss_after_kib,heap_before_kib,heap_after_kib,new_request,checked_ok,checked_failed" >"$IDLE_CSV"
echo "proxy,direction,bytes,http_code,bytes_moved,seconds,peak_rss_kib,cpu_ticks,heap_min_kib,heap_max_kib,old_growth_kib,heap_gc_before_kib,heap_gc_after_kib,ok" >"$TRANSFER_CSV"
NOTES=()

# ---------------------------------------------------------------------------------------------
# Processes: everything started is tracked by PID and stopped by PID on exit

STARTED=()
declare -A PID_OF=()
LAST_PID=0
IDLE_FD=""

# start_bg NAME STDOUT STDERR COMMAND...: starts COMMAND in the background and tracks its PID.
start_bg() {
    local name=$1 out=$2 err=$3
    shift 3
    "$@" >"$out" 2>"$err" &
    LAST_PID=$!
    STARTED+=("$LAST_PID")
    PID_OF[$name]=$LAST_PID
}

forget_pid() {
    local pid=$1 i
    for i in "${!STARTED[@]}"; do
        [[ ${STARTED[$i]} == "$pid" ]] && unset 'STARTED[i]'
    done
    STARTED=("${STARTED[@]}")
}

stop_pid() {
    local pid=$1 i
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# run_tracked OUTFILE COMMAND...: runs COMMAND to its end while tracked; returns its status.
# Its standard input is STDIN_FILE when that is set, /dev/null otherwise.
run_tracked() {
    local out=$1 pid rc=0
    shift
    "$@" <"${STDIN_FILE:-/dev/null}" >"$out" 2>&1 &
    pid=$!
    STARTED+=("$pid")
    wait "$pid" || rc=$?
    forget_pid "$pid"
    return "$rc"
}

cleanup() {
    local rc=$? i
    set +e
    trap - EXIT INT TERM
    [[ -n $IDLE_FD ]] && exec {IDLE_FD}>&-
    for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
        stop_pid "${STARTED[$i]}"
    done
    if [[ $KEEP_TEMP == 1 ]]; then
        log "temporary files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# Everything this script starts from here on runs on the load core unless started with
# taskset on the proxy core; the build above was allowed both cores.
taskset -cp "$LOAD_CPU" $$ >/dev/null

# Many connections: raise the descriptor limit for this shell and everything it starts.
ulimit -Hn 262144 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
# The proxy holds the idle connections plus its backend pools (up to 2,048 after the sweep).
if [[ $FD_LIMIT -lt $((IDLE_CONNS + 4000)) ]]; then
    IDLE_CONNS=$((FD_LIMIT - 4000))
    NOTES+=("The descriptor limit is $FD_LIMIT, so the idle test holds $IDLE_CONNS connections.")
fi

# ---------------------------------------------------------------------------------------------
# /proc readings

# The PID and its children (nginx: master and worker).
tree_pids() {
    echo "$1"
    pgrep -P "$1" 2>/dev/null || true
}

# utime + stime in clock ticks, summed over the tree.
proc_ticks() {
    local p total=0 t
    for p in $(tree_pids "$1"); do
        t=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
        total=$((total + t))
    done
    echo "$total"
}

# A field of /proc/PID/status (VmRSS, VmHWM) in KiB, summed over the tree.
proc_kib() {
    local p total=0 v
    for p in $(tree_pids "$1"); do
        v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

# Starts a new peak-RSS period (VmHWM) for the tree.
reset_peak_rss() {
    local p
    for p in $(tree_pids "$1"); do
        echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true
    done
}

# Busy ticks (user, nice, system) of the proxy core and of the load core, and steal ticks of
# all cores. Interrupt time is left out: it is the proxies' own network traffic.
cpu_stat() {
    awk -v c="cpu$PROXY_CPU" -v l="cpu$LOAD_CPU" '$1 == c { b = $2 + $3 + $4 } $1 == l { lb = $2 + $3 + $4 }
        $1 == "cpu" { s = $9 } END { print b, lb, s }' /proc/stat
}

# CPU ticks of the children this shell has waited for (wrk, h2load, curl, its own helpers),
# from the `times` builtin, which must run in this shell and not in a subshell.
children_ticks() {
    times >"$TMP/times"
    awk -v hz="$(getconf CLK_TCK)" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d\n", t * hz }' "$TMP/times"
}

# CPU ticks of the servers that share the load core: both origins and the upload sink.
load_side_ticks() {
    echo $(($(proc_ticks "${PID_OF[origin1]}") + $(proc_ticks "${PID_OF[origin2]}") + $(proc_ticks "${PID_OF[sink]}")))
}

# Heap in use in KiB from `jcmd PID GC.heap_info` (Serial, Parallel and G1 print "total X, used
# Y" per space; ZGC prints "used YM"). Empty when it cannot be read.
heap_used_kib() {
    jcmd "$1" GC.heap_info 2>/dev/null | awk '
        /Metaspace|class space/ { next }
        /total [0-9]+K, used [0-9]+K/ {
            for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v; n++ }
        }
        /ZHeap +used [0-9]+M/ { v = $3; sub(/M.*/, "", v); s += v * 1024; n++ }
        END { if (n) print s }'
}

full_gc() { jcmd "$1" GC.run >/dev/null 2>&1 || true; }

# ---------------------------------------------------------------------------------------------
# Ports, certificate, files, configurations

declare -A TAKEN_PORT=()
# A free port below the ephemeral range, so that client ports never collide with it.
pick_port() {
    local p i
    for ((i = 0; i < 500; i++)); do
        p=$((20000 + RANDOM % 12000))
        [[ -n ${TAKEN_PORT[$p]:-} ]] && continue
        if [[ -z $(ss -Htan "sport = :$p") ]]; then
            TAKEN_PORT[$p]=1
            echo "$p"
            return 0
        fi
    done
    die "found no free port between 20000 and 32000"
}

# render TEMPLATE OUT NAME=VALUE...: copies TEMPLATE with every @NAME@ replaced.
render() {
    local template=$1 out=$2 kv
    shift 2
    local -a expr=()
    for kv in "$@"; do
        expr+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
    done
    sed "${expr[@]}" "$template" >"$out"
}

# The tools compile while the rest is prepared.
mkdir -p "$TMP/tools"
start_bg javac "$TMP/javac.log" "$TMP/javac.log" javac -d "$TMP/tools" "$BENCH_DIR"/tools/*.java
JAVAC_PID=$LAST_PID

ORIGIN1_PORT=$(pick_port)
ORIGIN2_PORT=$(pick_port)
SINK_PORT=$(pick_port)
ADMIN_PORT=$(pick_port)
declare -A HTTP_PORT=() TLS_PORT=()
for proxy in "${PROXIES[@]}"; do
    HTTP_PORT[$proxy]=$(pick_port)
    TLS_PORT[$proxy]=$(pick_port)
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
cat "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/haproxy.pem"
chmod 644 "$TMP/key.pem"

WWW=$TMP/www
mkdir -p "$WWW"
head -c 16384 /dev/zero | tr '\0' 'k' >"$WWW/16k"
truncate -s "$TRANSFER_BYTES" "$WWW/big"
BODY100=$(head -c 100 /dev/zero | tr '\0' 'x')

for i in 1 2; do
    dir=$TMP/origin$i
    mkdir -p "$dir"
    port_var=ORIGIN${i}_PORT
    render "$BENCH_DIR/conf/origin-nginx.conf" "$dir/nginx.conf" \
        DIR="$dir" PORT="${!port_var}" WWW="$WWW" BODY100="$BODY100" \
        FD_LIMIT="$FD_LIMIT" WORKER_CONNECTIONS=$((FD_LIMIT - 100))
done
mkdir -p "$TMP/nginx"
render "$BENCH_DIR/conf/proxy-nginx.conf" "$TMP/nginx/nginx.conf" DIR="$TMP/nginx" \
    ORIGIN1="$ORIGIN1_PORT" ORIGIN2="$ORIGIN2_PORT" SINK="$SINK_PORT" \
    HTTP_PORT="${HTTP_PORT[nginx]}" TLS_PORT="${TLS_PORT[nginx]}" \
    CERT="$TMP/cert.pem" KEY="$TMP/key.pem" \
    FD_LIMIT="$FD_LIMIT" WORKER_CONNECTIONS=$((FD_LIMIT - 100))
render "$BENCH_DIR/conf/haproxy.cfg" "$TMP/haproxy.cfg" MAXCONN=$((FD_LIMIT - 1000)) \
    ORIGIN1="$ORIGIN1_PORT" ORIGIN2="$ORIGIN2_PORT" SINK="$SINK_PORT" \
    HTTP_PORT="${HTTP_PORT[haproxy]}" TLS_PORT="${TLS_PORT[haproxy]}" PEM="$TMP/haproxy.pem"
render "$BENCH_DIR/conf/portcullis.yaml" "$TMP/portcullis-tls.yaml" \
    ORIGIN1="$ORIGIN1_PORT" ORIGIN2="$ORIGIN2_PORT" SINK="$SINK_PORT" ADMIN_PORT="$ADMIN_PORT" \
    HTTP_PORT="${HTTP_PORT[portcullis]}" TLS_PORT="${TLS_PORT[portcullis]}" \
    CERT="$TMP/cert.pem" KEY="$TMP/key.pem"

# Portcullis gets TLS only when this build's `validate` accepts the tls keys.
PORTCULLIS_TLS=1
PORTCULLIS_CONFIG=$TMP/portcullis.yaml
if java -jar "$JAR" validate "$TMP/portcullis-tls.yaml" >"$RAW_DIR/portcullis-validate-tls.txt" 2>&1; then
    sed '/^#TLS-/d' "$TMP/portcullis-tls.yaml" >"$PORTCULLIS_CONFIG"
else
    PORTCULLIS_TLS=0
    sed '/^#TLS-BEGIN/,/^#TLS-END/d' "$TMP/portcullis-tls.yaml" >"$PORTCULLIS_CONFIG"
    NOTES+=("Portcullis: TLS and HTTP/2 are not available in this build: \`validate\` refused the tls listener ($(grep -m1 'tls (line' "$RAW_DIR/portcullis-validate-tls.txt" | sed 's/^ *//')). Its TLS scenarios were skipped.")
fi
# The plan of the run, for the estimate of the time left: what each step should take.
ROUND_COST=$(awk -v d="$DURATION" -v o="$ROUND_OVERHEAD" 'BEGIN { print d + o }')
STARTUP_EST=8
IDLE_EST=$((IDLE_CONNS / 1000 + 3))
TRANSFER_EST=$((TRANSFER_BYTES / (128 * 1024 * 1024) + 1))
LOAD_SCENARIOS=()
for s in ka100 ka16k close tls_ka tls_close h2 c16 c256 c2048; do
    wanted "$s" && LOAD_SCENARIOS+=("$s")
done
for s in "${LOAD_SCENARIOS[@]}"; do
    for proxy in "${PROXIES[@]}"; do
        [[ $proxy == portcullis && $PORTCULLIS_TLS == 0 && $s =~ ^(tls_ka|tls_close|h2)$ ]] && continue
        plan_add "$(awk -v r="$ROUNDS" -v c="$ROUND_COST" 'BEGIN { print r * c }')"
    done
done
wanted idle && plan_add $((${#PROXIES[@]} * IDLE_EST))
wanted upload && plan_add $((${#PROXIES[@]} * TRANSFER_EST))
wanted download && plan_add $((${#PROXIES[@]} * TRANSFER_EST))
plan_add $((STARTUP_EST + WARMUP + 2 * PEER_WARMUP + 2))

cp "$TMP/origin1/nginx.conf" "$RESULTS_DIR/origin-nginx.conf"
cp "$TMP/nginx/nginx.conf" "$RESULTS_DIR/proxy-nginx.conf"
cp "$TMP/haproxy.cfg" "$RESULTS_DIR/haproxy.cfg"
cp "$PORTCULLIS_CONFIG" "$RESULTS_DIR/portcullis.yaml"

wait "$JAVAC_PID" || die "the bench tools did not compile: $(cat "$TMP/javac.log")"
forget_pid "$JAVAC_PID"

# ---------------------------------------------------------------------------------------------
# Starting the servers

# wait_ready URL SECONDS PID: polls until URL answers 200, the time runs out or PID is gone.
wait_ready() {
    local url=$1 limit=$2 pid=$3 i code
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 1
        code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)
        [[ $code == 200 ]] && return 0
        sleep 0.1
    done
    return 1
}

progress "starting the origins and the upload sink on CPU $LOAD_CPU"
for i in 1 2; do
    dir=$TMP/origin$i
    port_var=ORIGIN${i}_PORT
    start_bg "origin$i" "$dir/stdout.log" "$dir/stderr.log" \
        taskset -c "$LOAD_CPU" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    wait_ready "http://127.0.0.1:${!port_var}/100" 10 "$LAST_PID" ||
        die "origin $i did not start: $(tail -n 5 "$dir/error.log" "$dir/stderr.log" 2>/dev/null)"
done
start_bg sink "$TMP/sink.log" "$TMP/sink.log" \
    taskset -c "$LOAD_CPU" java -cp "$TMP/tools" dev.portcullis.bench.UploadSink "$SINK_PORT"
for ((i = 0; i < 100; i++)); do
    [[ -n $(ss -Htln "sport = :$SINK_PORT") ]] && break
    sleep 0.1
done

progress "starting the proxies on CPU $PROXY_CPU"
read -r -a JVM_FLAG_ARRAY <<<"$JVM_FLAGS"
start_bg portcullis /dev/null "$TMP/portcullis.err" \
    taskset -c "$PROXY_CPU" java "${JVM_FLAG_ARRAY[@]}" -jar "$JAR" run --config "$PORTCULLIS_CONFIG"
start_bg haproxy "$TMP/haproxy.log" "$TMP/haproxy.log" \
    taskset -c "$PROXY_CPU" haproxy -db -f "$TMP/haproxy.cfg"
start_bg nginx "$TMP/nginx/stdout.log" "$TMP/nginx/stderr.log" \
    taskset -c "$PROXY_CPU" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
declare -A ALIVE=()
for proxy in "${PROXIES[@]}"; do
    if wait_ready "http://127.0.0.1:${HTTP_PORT[$proxy]}/100" 60 "${PID_OF[$proxy]}"; then
        ALIVE[$proxy]=1
    else
        NOTES+=("${PROXY_NAME[$proxy]} did not start; see raw/$proxy-stderr.txt.")
    fi
done
cp "$TMP/portcullis.err" "$RAW_DIR/portcullis-stderr.txt" 2>/dev/null || true
[[ -n ${ALIVE[haproxy]:-} && -n ${ALIVE[nginx]:-} ]] ||
    die "the reference proxies did not start: $(tail -n 5 "$TMP/haproxy.log" "$TMP/nginx/error.log")"

# What each TLS listener negotiates, and whether it resumes a session from a ticket, for the
# report: wrk resumes, so "a new TLS connection per request" is a resumption where it can be.
declare -A TLS_SEEN=()
tls_request() {
    printf 'GET /100 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
        timeout 5 openssl s_client -connect "127.0.0.1:$1" -ign_eof "${@:2}" 2>&1 || true
}
for proxy in "${PROXIES[@]}"; do
    [[ $proxy == portcullis && $PORTCULLIS_TLS == 0 ]] && continue
    seen=$(timeout 5 openssl s_client -connect "127.0.0.1:${TLS_PORT[$proxy]}" -brief \
        -alpn h2,http/1.1 </dev/null 2>&1 | awk -F': ' '/Protocol version|ALPN protocol/ { printf "%s%s", sep, $2; sep = ", " }') || true
    tls_request "${TLS_PORT[$proxy]}" -sess_out "$TMP/session-$proxy" >/dev/null
    if [[ -s $TMP/session-$proxy ]] &&
        tls_request "${TLS_PORT[$proxy]}" -sess_in "$TMP/session-$proxy" | grep -q '^Reused,'; then
        seen+=", resumes sessions"
    else
        seen+=", does not resume sessions"
    fi
    TLS_SEEN[$proxy]=$seen
done

# ---------------------------------------------------------------------------------------------
# Scenarios

# Whether a proxy takes part in a scenario; prints the reason when it does not.
skip_reason() {
    local scen=$1 proxy=$2
    if [[ -z ${ALIVE[$proxy]:-} ]]; then
        echo "proxy not running"
    elif [[ $proxy == portcullis && $PORTCULLIS_TLS == 0 && $scen =~ ^(tls_ka|tls_close|h2)$ ]]; then
        echo "not available in this build"
    fi
}

# load_command SCENARIO PROXY RAWFILE [DURATION]: fills LOAD with the command of one round.
# A hard time limit stops a load generator that hangs: h2load, for one, waits for ever on a
# connection the server stopped reading.
load_command() {
    local scen=$1 proxy=$2 raw=$3 duration=${4:-$DURATION}
    local http="http://127.0.0.1:${HTTP_PORT[$proxy]}" https="https://127.0.0.1:${TLS_PORT[$proxy]}"
    LOAD_LIMIT=$((duration + 20))
    local -a wrk=(timeout -k 5 "$LOAD_LIMIT" wrk -t1 "-d${duration}s" --latency -s "$BENCH_DIR/wrk-report.lua")
    case $scen in
        ka100) LOAD=("${wrk[@]}" "-c$CONNS" "$http/100") ;;
        ka16k) LOAD=("${wrk[@]}" "-c$CONNS" "$http/16k") ;;
        close) LOAD=("${wrk[@]}" "-c$CONNS" -H 'Connection: close' "$http/100") ;;
        tls_ka) LOAD=("${wrk[@]}" "-c$CONNS" "$https/100") ;;
        tls_close) LOAD=("${wrk[@]}" "-c$CONNS" -H 'Connection: close' "$https/100") ;;
        c16) LOAD=("${wrk[@]}" -c16 "$http/100") ;;
        c256) LOAD=("${wrk[@]}" -c256 "$http/100") ;;
        c2048) LOAD=("${wrk[@]}" -c2048 "$http/100") ;;
        h2) LOAD=(timeout -k 5 "$LOAD_LIMIT" h2load -t1 -c"$H2_CONNS" -m"$H2_STREAMS" -D"$duration"
            "--log-file=$raw.log" "$https/100") ;;
        *) die "no load command for scenario $scen" ;;
    esac
}

# Values of the last measured round.
M_RPS="" M_P50="" M_P99="" M_P999="" M_REQ="" M_NON2XX="" M_SOCK="" M_TMO=""
M_TICKS="" M_ELAPSED="" M_PEAK="" M_OTHER="" M_OTHER1="" M_STEAL="" M_FAIL=""

parse_wrk() {
    local line kv
    line=$(grep -m1 '^BENCH ' "$1" || true)
    [[ -n $line ]] || { M_FAIL="wrk printed no summary: $(tail -2 "$1" | tr '\n' ' ')"; return; }
    declare -A v=()
    for kv in ${line#BENCH }; do v[${kv%%=*}]=${kv#*=}; done
    M_REQ=${v[requests]}
    M_RPS=$(awk -v r="${v[requests]}" -v d="${v[duration_us]}" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
    M_P50=${v[p50_us]} M_P99=${v[p99_us]} M_P999=${v[p999_us]}
    M_NON2XX=${v[status]}
    M_SOCK=$((v[connect] + v[read] + v[write]))
    M_TMO=${v[timeout]}
}

parse_h2load() {
    local raw=$1 proto
    proto=$(awk -F': ' '/^Application protocol:/ { print $2 }' "$raw")
    if [[ $proto != h2 ]]; then
        M_FAIL="h2 was not negotiated (Application protocol: ${proto:-none})"
        return
    fi
    # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout"
    read -r M_REQ M_SOCK M_TMO < <(awk '/^requests:/ { print $6, $12, $14 }' "$raw") || true
    local ok secs
    ok=$(awk '/^status codes:/ { print $3 }' "$raw")
    secs=$(awk '/^finished in/ { v = $3; sub(/s,?$/, "", v); print v }' "$raw")
    [[ -n $M_REQ && -n $ok && -n $secs ]] || { M_FAIL="h2load printed no summary: $(tail -2 "$raw" | tr '\n' ' ')"; return; }
    M_NON2XX=$((M_REQ - ok))
    M_RPS=$(awk -v r="$M_REQ" -v d="$secs" 'BEGIN { printf "%.1f", r / d }')
    read -r M_P50 M_P99 M_P999 < <(cut -f3 "$raw.log" | sort -n | awk '
        { a[NR] = $1 }
        function pct(p,   i) { i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; return a[i] }
        END { if (NR) print pct(50), pct(99), pct(99.9); else print 0, 0, 0 }')
    rm -f "$raw.log"
}

# measure SCENARIO PROXY RAWFILE [DURATION]: one round of load against one proxy.
measure() {
    local scen=$1 proxy=$2 raw=$3 pid=${PID_OF[$2]}
    local t0 t1 tk0 tk1 busy0 busy1 lbusy0 lbusy1 steal0 steal1 own0 own1 ch0 ch1 rc=0
    M_FAIL=""
    load_command "$scen" "$proxy" "$raw" "${4:-}"
    reset_peak_rss "$pid"
    own0=$(load_side_ticks)
    children_ticks >"$TMP/ch0"
    tk0=$(proc_ticks "$pid")
    read -r busy0 lbusy0 steal0 < <(cpu_stat)
    t0=$EPOCHREALTIME
    run_tracked "$raw" taskset -c "$LOAD_CPU" "${LOAD[@]}" || rc=$?
    t1=$EPOCHREALTIME
    read -r busy1 lbusy1 steal1 < <(cpu_stat)
    tk1=$(proc_ticks "$pid")
    children_ticks >"$TMP/ch1"
    own1=$(load_side_ticks)
    ch0=$(<"$TMP/ch0")
    ch1=$(<"$TMP/ch1")
    M_PEAK=$(proc_kib "$pid" VmHWM)
    if ! kill -0 "$pid" 2>/dev/null; then
        M_FAIL="the proxy exited during the round"
        return
    fi
    if [[ $rc == 124 || $rc == 137 ]]; then
        M_FAIL="${LOAD[3]} had not finished after ${LOAD_LIMIT}s and was stopped"
        return
    fi
    M_TICKS=$((tk1 - tk0))
    M_ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    read -r M_OTHER M_OTHER1 M_STEAL < <(awk -v e="$M_ELAPSED" -v hz="$(getconf CLK_TCK)" -v n="$(nproc --all)" \
        -v b=$((busy1 - busy0)) -v p="$M_TICKS" -v lb=$((lbusy1 - lbusy0)) -v own=$((own1 - own0 + ch1 - ch0)) \
        -v s=$((steal1 - steal0)) 'BEGIN {
            o = (b - p) / (e * hz) * 100; if (o < 0) o = 0
            o1 = (lb - own) / (e * hz) * 100; if (o1 < 0) o1 = 0
            printf "%.1f %.1f %.1f\n", o, o1, s / (e * hz * n) * 100 }')
    if [[ $scen == h2 ]]; then parse_h2load "$raw"; else parse_wrk "$raw"; fi
}

disturbed() {
    awk -v o="$M_OTHER" -v o1="$M_OTHER1" -v s="$M_STEAL" -v om="$OTHER_MAX_PCT" -v sm="$STEAL_MAX_PCT" \
        'BEGIN { exit !(o > om || o1 > om || s > sm) }'
}

record() {
    echo "$1,$2,$3,$4,$M_RPS,$M_P50,$M_P99,$M_P999,$M_REQ,$M_NON2XX,$M_SOCK,$M_TMO,$M_TICKS,$M_ELAPSED,$M_PEAK,$M_OTHER,$M_OTHER1,$M_STEAL" >>"$ROUNDS_CSV"
}

set_status() { echo "$1,$2,$3,\"${4//\"/\'}\"" >>"$STATUS_CSV"; }

# One round of a scenario for one proxy, repeated once when another process disturbed it.
round() {
    local scen=$1 proxy=$2 r=$3 tag=$4 raw
    raw="$RAW_DIR/$scen-$proxy-r$r$tag.txt"
    progress "${LABEL[$scen]}: round $r/$ROUNDS, ${PROXY_NAME[$proxy]}"
    measure "$scen" "$proxy" "$raw"
    plan_done "$ROUND_COST"
    if [[ -n $M_FAIL ]]; then
        FAILED[$proxy]=$M_FAIL
        return
    fi
    if disturbed && fits_budget "$((DURATION + 1))"; then
        record "$scen" "$proxy" "$r$tag" discarded
        log "    disturbed (others used ${M_OTHER}% of CPU $PROXY_CPU and ${M_OTHER1}% of CPU $LOAD_CPU, steal ${M_STEAL}%): repeating"
        sleep 1
        measure "$scen" "$proxy" "${raw%.txt}-again.txt"
        if [[ -n $M_FAIL ]]; then
            FAILED[$proxy]=$M_FAIL
            return
        fi
    fi
    if disturbed; then record "$scen" "$proxy" "$r$tag" kept-disturbed; else record "$scen" "$proxy" "$r$tag" kept; fi
}

# Coefficient of variation (%) of the kept req/s of one proxy in one scenario.
rounds_cv() {
    awk -F, -v s="$1" -v p="$2" '$1 == s && $2 == p && $4 ~ /^kept/ { n++; x += $5; xx += $5 * $5 }
        END { if (n < 2 || x == 0) { print 0; exit } m = x / n; v = xx / n - m * m; if (v < 0) v = 0; printf "%.1f", sqrt(v) / m * 100 }' "$ROUNDS_CSV"
}

# Marks the kept rounds of one proxy in one scenario as replaced.
replace_rounds() {
    awk -F, -v OFS=, -v s="$1" -v p="$2" '$1 == s && $2 == p && $4 ~ /^kept/ { $4 = "replaced-cv" } { print }' \
        "$ROUNDS_CSV" >"$ROUNDS_CSV.new" && mv "$ROUNDS_CSV.new" "$ROUNDS_CSV"
}

load_scenario() {
    local scen=$1 proxy r reason cv
    declare -gA FAILED=()
    local -a active=()
    for proxy in "${PROXIES[@]}"; do
        reason=$(skip_reason "$scen" "$proxy")
        if [[ -n $reason ]]; then
            set_status "$scen" "$proxy" skipped "$reason"
            log "    ${PROXY_NAME[$proxy]}: ${LABEL[$scen]} skipped, $reason"
        else
            active+=("$proxy")
        fi
    done
    for ((r = 1; r <= ROUNDS; r++)); do
        for proxy in "${active[@]}"; do
            [[ -n ${FAILED[$proxy]:-} ]] && { plan_done "$ROUND_COST"; continue; }
            round "$scen" "$proxy" "$r" ""
        done
    done
    for proxy in "${active[@]}"; do
        [[ -n ${FAILED[$proxy]:-} ]] && continue
        cv=$(rounds_cv "$scen" "$proxy")
        if awk -v c="$cv" -v m="$CV_MAX_PCT" 'BEGIN { exit !(c > m) }' &&
            fits_budget "$((ROUNDS * (DURATION + 1)))"; then
            log "    ${PROXY_NAME[$proxy]}: req/s varied by ${cv}% across rounds: repeating its rounds once"
            replace_rounds "$scen" "$proxy"
            plan_add "$(awk -v r="$ROUNDS" -v c="$ROUND_COST" 'BEGIN { print r * c }')"
            for ((r = 1; r <= ROUNDS; r++)); do
                [[ -n ${FAILED[$proxy]:-} ]] && break
                round "$scen" "$proxy" "$r" "-repeat"
            done
        fi
    done
    for proxy in "${active[@]}"; do
        if [[ -n ${FAILED[$proxy]:-} ]]; then
            set_status "$scen" "$proxy" failed "${FAILED[$proxy]}"
            log "    ${PROXY_NAME[$proxy]}: ${LABEL[$scen]} failed: ${FAILED[$proxy]}"
            kill -0 "${PID_OF[$proxy]}" 2>/dev/null || unset "ALIVE[$proxy]"
        else
            set_status "$scen" "$proxy" ok ""
        fi
    done
}

# Load that is not measured: JIT warm-up for the JVM, a short one for the others.
warm_up() {
    local proxy=$1 seconds=$2 scen part
    local -a parts=(ka100 ka16k close)
    if [[ $proxy != portcullis ]]; then
        parts=(ka100)
    elif [[ $PORTCULLIS_TLS == 1 ]]; then
        parts+=(tls_ka)
    fi
    part=$(((seconds + ${#parts[@]} - 1) / ${#parts[@]}))
    for scen in "${parts[@]}"; do
        load_command "$scen" "$proxy" "$RAW_DIR/warmup" "$part"
        run_tracked "$RAW_DIR/warmup-$proxy-$scen.txt" taskset -c "$LOAD_CPU" "${LOAD[@]}" || true
    done
}

# ---------------------------------------------------------------------------------------------
# Idle connections and large transfers

idle_test() {
    local proxy=$1 pid=${PID_OF[$1]} port=${HTTP_PORT[$1]} out=$RAW_DIR/idle-$1.txt
    local rss0 rss1 heap0="" heap1="" code line i held="" checked="" h f co cf
    progress "idle connections: ${PROXY_NAME[$proxy]} with $IDLE_CONNS held open"
    if [[ $proxy == portcullis ]]; then
        full_gc "$pid"
        heap0=$(heap_used_kib "$pid")
    fi
    rss0=$(proc_kib "$pid" VmRSS)
    rm -f "$TMP/idle.in"
    mkfifo "$TMP/idle.in"
    echo "start $EPOCHREALTIME" >"$out.times"
    # The client reads its commands from the FIFO; opening it blocks until this shell opens the
    # writing end just below, and closing that end tells the client to close and exit.
    java -cp "$TMP/tools" dev.portcullis.bench.IdleConnections 127.0.0.1 "$port" /100 "$IDLE_CONNS" \
        <"$TMP/idle.in" >"$out" 2>"$out.err" &
    local client=$!
    STARTED+=("$client")
    exec {IDLE_FD}>"$TMP/idle.in"
    for ((i = 0; i < 1200; i++)); do
        line=$(grep -m1 -E '^held [0-9]+ [0-9]+ end$' "$out" || true)
        [[ -n $line ]] && { held=$line; echo "held $EPOCHREALTIME" >>"$out.times"; break; }
        kill -0 "$client" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z $held ]]; then
        set_status idle "$proxy" failed "the idle client did not report: $(tail -2 "$out.err" | tr '\n' ' ')"
    else
        sleep 1
        rss1=$(proc_kib "$pid" VmRSS)
        if [[ $proxy == portcullis ]]; then
            full_gc "$pid"
            heap1=$(heap_used_kib "$pid")
            jcmd "$pid" GC.heap_info >"$RAW_DIR/idle-portcullis-heap.txt" 2>&1 || true
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/100" || true)
        echo "measured $EPOCHREALTIME" >>"$out.times"
        echo check >&"$IDLE_FD"
        for ((i = 0; i < 1200; i++)); do
            line=$(grep -m1 -E '^checked [0-9]+ [0-9]+ end$' "$out" || true)
            [[ -n $line ]] && { checked=$line; echo "checked $EPOCHREALTIME" >>"$out.times"; break; }
            kill -0 "$client" 2>/dev/null || break
            sleep 0.1
        done
        read -r _ h f _ <<<"$held"
        read -r _ co cf _ <<<"${checked:-checked 0 $h end}"
        echo "$proxy,$IDLE_CONNS,$h,$f,$rss0,$rss1,$heap0,$heap1,$code,$co,$cf" >>"$IDLE_CSV"
        set_status idle "$proxy" ok ""
    fi
    exec {IDLE_FD}>&-
    IDLE_FD=""
    for ((i = 0; i < 100; i++)); do
        kill -0 "$client" 2>/dev/null || break
        sleep 0.1
    done
    stop_pid "$client"
    echo "stopped $EPOCHREALTIME" >>"$out.times"
    rm -f "$TMP/idle.in"
}

# From `jstat -gc` samples: the heap in use (S0U + S1U + EU + OU) and the old generation (OU),
# in KiB, one line per sample.
heap_samples() {
    awk '/S0C/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
        col["OU"] && NF >= col["OU"] { printf "%d %d\n", $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"], $col["OU"] }' "$1"
}

transfer_test() {
    local proxy=$1 dir=$2 pid=${PID_OF[$1]} port=${HTTP_PORT[$1]}
    local raw=$RAW_DIR/$dir-$proxy.txt tk0 tk1 sampler="" result code moved secs
    local gc0="" gc1="" hmin="" hmax="" growth="" ok=no limit=180 heap=$RAW_DIR/$dir-$proxy-jstat.txt
    [[ $MODE == quick ]] && limit=60
    progress "$dir of $((TRANSFER_BYTES / 1048576)) MiB through ${PROXY_NAME[$proxy]}"
    if [[ $proxy == portcullis ]]; then
        full_gc "$pid"
        gc0=$(heap_used_kib "$pid")
        # Bounded by its sample count, and stopped by PID when the transfer ends.
        start_bg sampler "$heap" /dev/null jstat -gc "$pid" 250 $((limit * 4))
        sampler=$LAST_PID
    fi
    reset_peak_rss "$pid"
    tk0=$(proc_ticks "$pid")
    if [[ $dir == download ]]; then
        run_tracked "$raw" curl -s -o /dev/null --max-time "$limit" \
            -w '%{http_code} %{size_download} %{time_total}\n' "http://127.0.0.1:$port/big" || true
    else
        # -T - streams stdin as a chunked body; --data-binary @- would first read it all into
        # curl's memory. "Expect:" turns off curl's 100-continue wait.
        # The generator writes into a FIFO that curl reads as its standard input; both tracked.
        rm -f "$TMP/upload.in"
        mkfifo "$TMP/upload.in"
        start_bg generator "$TMP/upload.in" /dev/null head -c "$TRANSFER_BYTES" /dev/zero
        STDIN_FILE=$TMP/upload.in run_tracked "$raw" curl -s -X POST -T - -H 'Expect:' \
            -H 'Content-Type: application/octet-stream' --max-time "$limit" \
            -w '%{http_code} %{size_upload} %{time_total}\n' "http://127.0.0.1:$port/upload" || true
        stop_pid "${PID_OF[generator]}"
        rm -f "$TMP/upload.in"
    fi
    tk1=$(proc_ticks "$pid")
    local peak
    peak=$(proc_kib "$pid" VmHWM)
    if [[ -n $sampler ]]; then
        stop_pid "$sampler"
        heap_samples "$heap" >"$heap.used"
        read -r hmin hmax < <(awk '{ if (n == 0 || $1 < lo) lo = $1; if ($1 > hi) hi = $1; n++ }
            END { if (n) printf "%d %d\n", lo, hi; else print "", "" }' "$heap.used")
        growth=$(awk '{ if (n == 0) first = $2; last = $2; n++ } END { if (n) printf "%d", last - first }' "$heap.used")
        full_gc "$pid"
        gc1=$(heap_used_kib "$pid")
    fi
    result=$(grep -E '^[0-9]{3} ' "$raw" | tail -1 || true)
    read -r code moved secs <<<"${result:-000 0 0}"
    # curl counts the chunk framing it sent; what arrived is what the sink says it read.
    [[ $dir == upload ]] && moved=$(grep -o -m1 'received=[0-9]*' "$raw" | cut -d= -f2 || echo 0)
    [[ $code == 200 && $moved == "$TRANSFER_BYTES" ]] && ok=yes
    echo "$proxy,$dir,$TRANSFER_BYTES,$code,$moved,$secs,$peak,$((tk1 - tk0)),$hmin,$hmax,$growth,$gc0,$gc1,$ok" >>"$TRANSFER_CSV"
    if [[ $ok == yes ]]; then
        set_status "$dir" "$proxy" ok ""
    else
        set_status "$dir" "$proxy" failed "HTTP $code, $moved of $TRANSFER_BYTES bytes in ${secs}s"
    fi
}

# ---------------------------------------------------------------------------------------------
# The plan, then the run

plan_done "$STARTUP_EST"
if [[ -n ${ALIVE[portcullis]:-} ]]; then
    progress "JIT warm-up of Portcullis: ${WARMUP}s of load, not counted"
    warm_up portcullis "$WARMUP"
fi
plan_done "$WARMUP"
for proxy in haproxy nginx; do
    warm_up "$proxy" "$PEER_WARMUP"
    plan_done "$PEER_WARMUP"
done

# The idle test comes before the load scenarios: after 2,048 connections the proxies' memory
# has grown already, and holding idle connections would then cost them nothing new.
if wanted idle; then
    for proxy in "${PROXIES[@]}"; do
        if [[ -n ${ALIVE[$proxy]:-} ]]; then idle_test "$proxy"; else set_status idle "$proxy" skipped "proxy not running"; fi
        plan_done "$IDLE_EST"
    done
fi
for s in "${LOAD_SCENARIOS[@]}"; do
    load_scenario "$s"
done
for dir in upload download; do
    wanted "$dir" || continue
    for proxy in "${PROXIES[@]}"; do
        if [[ -n ${ALIVE[$proxy]:-} ]]; then transfer_test "$proxy" "$dir"; else set_status "$dir" "$proxy" skipped "proxy not running"; fi
        plan_done "$TRANSFER_EST"
    done
done

# ---------------------------------------------------------------------------------------------
# The report

progress "writing the report"
JVM_ERGONOMICS=""
if [[ -n ${ALIVE[portcullis]:-} ]]; then
    JVM_ERGONOMICS=$(jcmd "${PID_OF[portcullis]}" VM.flags 2>/dev/null | tail -n +2 | tr ' ' '\n' |
        grep -E 'Use[A-Za-z]*GC|MaxHeapSize|InitialHeapSize|ActiveProcessorCount|CICompilerCount' | tr '\n' ' ' || true)
fi

# Per scenario and proxy: median req/s and latencies over the kept rounds, summed requests and
# CPU, requests per proxy-core second, peak RSS, CV, disturbed rounds.
SUMMARY_CSV=$RESULTS_DIR/summary.csv
awk -F, -v OFS=, -v hz="$(getconf CLK_TCK)" '
    function median(list,   n, arr, i, j, t) {
        n = split(list, arr, " ")
        for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] + 0 > t + 0; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
        return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    $4 ~ /^kept/ {
        k = $1 SUBSEP $2
        if (!(k in n)) order[++keys] = k
        n[k]++; rps[k] = rps[k] " " $5; p50[k] = p50[k] " " $6; p99[k] = p99[k] " " $7; p999[k] = p999[k] " " $8
        req[k] += $9; err[k] += $10; sock[k] += $11; tmo[k] += $12; ticks[k] += $13; secs[k] += $14
        if ($15 > peak[k]) peak[k] = $15
        if ($4 == "kept-disturbed") dist[k]++
        sx[k] += $5; sxx[k] += $5 * $5
    }
    END {
        print "scenario,proxy,rounds,rps,p50_ms,p99_ms,p999_ms,non2xx,socket_errors,timeouts,cpu_pct,req_per_core_s,peak_rss_mib,cv_pct,disturbed"
        for (i = 1; i <= keys; i++) {
            k = order[i]; split(k, kk, SUBSEP)
            m = sx[k] / n[k]; v = sxx[k] / n[k] - m * m; cv = (n[k] > 1 && m > 0 && v > 0) ? sqrt(v) / m * 100 : 0
            cpu = ticks[k] / hz
            printf "%s,%s,%d,%.0f,%.3f,%.3f,%.3f,%d,%d,%d,%.0f,%.0f,%.1f,%.1f,%d\n", kk[1], kk[2], n[k], median(rps[k]),
                median(p50[k]) / 1000, median(p99[k]) / 1000, median(p999[k]) / 1000, err[k], sock[k], tmo[k],
                (secs[k] > 0 ? cpu / secs[k] * 100 : 0), (cpu > 0 ? req[k] / cpu : 0), peak[k] / 1024, cv, dist[k]
        }
    }' "$ROUNDS_CSV" >"$SUMMARY_CSV"

# Looks up one column of the summary: summary_value SCENARIO PROXY COLUMN.
summary_value() {
    awk -F, -v s="$1" -v p="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == s && $2 == p { print $col[c] }' "$SUMMARY_CSV"
}
status_of() {
    awk -F, -v s="$1" -v p="$2" '$1 == s && $2 == p { r = $3; if ($3 != "ok") { sub(/^[^,]*,[^,]*,[^,]*,/, ""); gsub(/"/, ""); r = r ": " $0 } } END { print r }' "$STATUS_CSV"
}
# The first line a command prints about its version (some exit non-zero after it).
version_of() { { "$@" 2>&1 || true; } | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "—"; else printf "%.2f×", a / b }'; }

CHART_PERCORE=$BENCH_DIR/chart-per-core-vs-haproxy.png
CHART_SWEEP=$BENCH_DIR/chart-concurrency-sweep.png
PERCORE_DAT=$RESULTS_DIR/per-core-ratio.dat
SWEEP_DAT=$RESULTS_DIR/sweep.dat
: >"$PERCORE_DAT"
: >"$SWEEP_DAT"

# The main table, and the chart data beside it.
main_table() {
    local s proxy rps st h_rps h_core n_rps n_core core row
    echo "| scenario | proxy | req/s | p50 ms | p99 ms | p99.9 ms | errors (non-2xx / socket / timeout) | proxy CPU | req per proxy-core s | peak RSS MiB | req/s vs HAProxy | per core vs HAProxy | req/s vs nginx | per core vs nginx |"
    echo "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"
    for s in "${LOAD_SCENARIOS[@]}"; do
        h_rps=$(summary_value "$s" haproxy rps)
        h_core=$(summary_value "$s" haproxy req_per_core_s)
        n_rps=$(summary_value "$s" nginx rps)
        n_core=$(summary_value "$s" nginx req_per_core_s)
        local -a chart=("${SHORT[$s]:-$s}")
        for proxy in "${PROXIES[@]}"; do
            rps=$(summary_value "$s" "$proxy" rps)
            core=$(summary_value "$s" "$proxy" req_per_core_s)
            if [[ -z $rps ]]; then
                st=$(status_of "$s" "$proxy")
                echo "| ${LABEL[$s]} | ${PROXY_NAME[$proxy]} | ${st:-not run} | | | | | | | | | | | |"
                [[ $proxy != haproxy ]] && chart+=(NaN)
                continue
            fi
            IFS=, read -r -a row < <(awk -F, -v s="$s" -v p="$proxy" '$1 == s && $2 == p' "$SUMMARY_CSV")
            local mark=""
            [[ ${row[14]} -gt 0 ]] && mark=" (${row[14]} of ${row[2]} rounds disturbed)"
            echo "| ${LABEL[$s]} | ${PROXY_NAME[$proxy]} | ${row[3]}$mark | ${row[4]} | ${row[5]} | ${row[6]} | ${row[7]} / ${row[8]} / ${row[9]} | ${row[10]} % | ${row[11]} | ${row[12]} | $(ratio "$rps" "$h_rps") | $(ratio "$core" "$h_core") | $(ratio "$rps" "$n_rps") | $(ratio "$core" "$n_core") |"
            [[ $proxy != haproxy ]] && chart+=("$(awk -v a="$core" -v b="$h_core" 'BEGIN { if (b + 0 > 0) printf "%.3f", a / b; else print "NaN" }')")
        done
        [[ $s == c16 || $s == c256 || $s == c2048 ]] && continue
        printf '%s\t%s\t%s\t1\n' "${chart[0]}" "${chart[1]}" "${chart[2]}" >>"$PERCORE_DAT"
    done
    for s in c16 c256 c2048; do
        wanted "$s" || continue
        local line=${s#c}
        for proxy in "${PROXIES[@]}"; do
            rps=$(summary_value "$s" "$proxy" rps)
            line+=$'\t'$(awk -v r="$rps" 'BEGIN { if (r == "") print "NaN"; else printf "%.2f", r / 1000 }')
        done
        for proxy in "${PROXIES[@]}"; do
            core=$(summary_value "$s" "$proxy" p99_ms)
            line+=$'\t'${core:-NaN}
        done
        echo "$line" >>"$SWEEP_DAT"
    done
}

idle_table() {
    echo "| proxy | connections held | RSS at rest MiB | RSS holding them MiB | RSS per idle connection | Java heap after GC, before → holding (MiB) | heap per idle connection | new request while held | second request on every held connection |"
    echo "| --- | --: | --: | --: | --: | --: | --: | --: | --: |"
    local proxy line st
    for proxy in "${PROXIES[@]}"; do
        line=$(awk -F, -v p="$proxy" '$1 == p' "$IDLE_CSV")
        if [[ -z $line ]]; then
            st=$(status_of idle "$proxy")
            echo "| ${PROXY_NAME[$proxy]} | ${st:-not run} | | | | | | | |"
            continue
        fi
        echo "$line" | awk -F, -v name="${PROXY_NAME[$proxy]}" '{
            heap = ($7 != "" && $8 != "") ? sprintf("%.1f → %.1f", $7 / 1024, $8 / 1024) : "—"
            per = ($7 != "" && $8 != "" && $3 > 0) ? sprintf("%.2f KiB", ($8 - $7) / $3) : "—"
            printf "| %s | %d of %d | %.1f | %.1f | %.2f KiB | %s | %s | %s | %d answered, %d not |\n", name, $3, $2,
                $5 / 1024, $6 / 1024, ($3 > 0 ? ($6 - $5) / $3 : 0), heap, per, ($9 == "200" ? "200" : "FAILED (" $9 ")"), $10, $11 }'
    done
}

transfer_table() {
    echo "| transfer | proxy | result | time s | MiB/s | proxy CPU s | peak RSS MiB | Java heap in use during it, min–max MiB | old generation growth | heap after GC, before → after MiB |"
    echo "| --- | --- | --- | --: | --: | --: | --: | --: | --: | --: |"
    local dir proxy line st
    for dir in upload download; do
        wanted "$dir" || continue
        for proxy in "${PROXIES[@]}"; do
            line=$(awk -F, -v p="$proxy" -v d="$dir" '$1 == p && $2 == d' "$TRANSFER_CSV")
            if [[ -z $line ]]; then
                st=$(status_of "$dir" "$proxy")
                echo "| $dir | ${PROXY_NAME[$proxy]} | ${st:-not run} | | | | | | | |"
                continue
            fi
            echo "$line" | awk -F, -v name="${PROXY_NAME[$proxy]}" -v hz="$(getconf CLK_TCK)" '{
                heap = ($9 != "") ? sprintf("%.1f–%.1f", $9 / 1024, $10 / 1024) : "—"
                growth = ($11 != "") ? sprintf("%.1f MiB", $11 / 1024) : "—"
                gc = ($12 != "" && $13 != "") ? sprintf("%.1f → %.1f", $12 / 1024, $13 / 1024) : "—"
                printf "| %s %d MiB | %s | %s | %.2f | %.0f | %.2f | %.1f | %s | %s | %s |\n", $2, $3 / 1048576, name,
                    ($14 == "yes" ? "ok" : "FAILED: HTTP " $4 ", " $5 " bytes, " $14), $6, ($6 > 0 ? $5 / 1048576 / $6 : 0),
                    $8 / hz, $7 / 1024, heap, growth, gc }'
        done
    done
}

draw_charts() {
    local ok=1
    if [[ -s $PERCORE_DAT ]]; then
        gnuplot -e "datafile='$PERCORE_DAT'; out='$CHART_PERCORE'" "$BENCH_DIR/conf/per-core.gp" \
            >"$RAW_DIR/gnuplot-per-core.txt" 2>&1 || ok=0
    fi
    if [[ -s $SWEEP_DAT ]]; then
        gnuplot -e "datafile='$SWEEP_DAT'; out='$CHART_SWEEP'" "$BENCH_DIR/conf/sweep.gp" \
            >"$RAW_DIR/gnuplot-sweep.txt" 2>&1 || ok=0
    fi
    [[ $ok == 1 ]] || NOTES+=("gnuplot failed on a chart; see raw/gnuplot-*.txt.")
}

MAIN_TABLE=$(main_table)
IDLE_TABLE=$(idle_table)
TRANSFER_TABLE=$(transfer_table)
draw_charts

discarded=$(awk -F, '$4 == "discarded"' "$ROUNDS_CSV" | wc -l)
kept_disturbed=$(awk -F, '$4 == "kept-disturbed"' "$ROUNDS_CSV" | wc -l)
replaced=$(awk -F, '$4 == "replaced-cv"' "$ROUNDS_CSV" | wc -l)
kept=$(awk -F, '$4 ~ /^kept/' "$ROUNDS_CSV" | wc -l)
not_ok=$(awk -F, 'NR > 1 && $3 != "ok" { sub(/^[^,]*,[^,]*,[^,]*,/, "", $0); print }' "$STATUS_CSV" | wc -l)
TOTAL_SECS=$((EPOCHSECONDS - START))

{
    echo "# Benchmark: Portcullis, HAProxy and nginx side by side"
    echo
    echo "Written by \`bench/run.sh$([[ $MODE == quick ]] && echo " --quick")$([[ -n $JVM_FLAGS ]] && echo " --jvm-flags \"$JVM_FLAGS\"")\` on $(date -u '+%Y-%m-%d %H:%M UTC'), in $(fmt_secs "$TOTAL_SECS"). How it measures: [README.md](README.md). Absolute figures move by tens of percent between runs on a shared machine; compare the ratios, which come from one run."
    if [[ $MODE == quick ]]; then
        echo
        echo "**A --quick run**: $ROUNDS round(s) of ${DURATION}s per scenario, ${WARMUP}s of JIT warm-up, $IDLE_CONNS idle connections, $((TRANSFER_BYTES / 1048576)) MiB transfers. It shows that everything works; the full run (\`bench/run.sh\`) gives the figures to compare."
    fi
    echo
    echo "## Machine and software"
    echo
    echo "- CPU: $(lscpu | awk -F: '/^Model name/ { gsub(/^ +/, "", $2); print $2; exit }'), $(nproc --all) cores; $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory; kernel $(uname -r)"
    echo "- Portcullis: $(version_of java -jar "$JAR" version), commit $(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT_DIR" diff --quiet HEAD -- proxy-core proxy-server 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- JDK: \`$(readlink -f "$(command -v java)")\`, $(version_of java -version); $(java -version 2>&1 | sed -n 2p)"
    echo "- JVM flags: $([[ -n $JVM_FLAGS ]] && echo "\`$JVM_FLAGS\` (from --jvm-flags)" || echo "none: plain \`java -jar\`, as the README runs it"); the JVM chose: \`${JVM_ERGONOMICS:-unknown}\`"
    echo "- $(version_of nginx -v); $(version_of haproxy -v | cut -d' ' -f1-3); $(version_of wrk -v | cut -d' ' -f1-2); $(version_of h2load --version); $(version_of curl --version | cut -d' ' -f1-2); $(version_of openssl version)"
    echo "- TLS as openssl s_client sees it (offering h2 and http/1.1, then offering the session back): $(sep=""; for p in "${PROXIES[@]}"; do printf '%s%s' "$sep" "${PROXY_NAME[$p]}: ${TLS_SEEN[$p]:-no TLS listener}"; sep="; "; done)"
    echo
    echo "## Setup"
    echo
    echo "- Every proxy runs pinned to CPU $PROXY_CPU (\`taskset -c $PROXY_CPU\`) with one event loop, worker or thread; wrk, h2load, curl, the two nginx origins (one worker each) and the upload sink run on CPU $LOAD_CPU. All three proxies run for the whole benchmark and are measured in turn, round by round (A B C A B C …)."
    echo "- Each proxy balances round robin over the two origins with backend keep-alive (Portcullis \`max_idle_per_loop: 1024\`, nginx \`keepalive 1024\`, HAProxy \`http-reuse always\`) and sets X-Forwarded-For/-Proto/-Host and X-Request-Id. Configurations: \`results/$RUN_ID/\`."
    echo "- Portcullis keeps its JSON access log on, as in production, with stdout (where the log goes) sent to /dev/null; its admin listener serves metrics. nginx and HAProxy run without access logs, so they are spared work Portcullis does."
    echo "- wrk runs one thread, $CONNS connections unless the scenario says otherwise, ${DURATION}s per round, $ROUNDS round(s) per scenario and proxy; Portcullis had ${WARMUP}s of unmeasured warm-up load first (nginx and HAProxy ${PEER_WARMUP}s each). Figures are the median over kept rounds; requests per proxy-core second are all requests of the kept rounds divided by the CPU time (utime + stime from /proc/PID/stat) the proxy used in them."
    echo "- A round is disturbed when other processes used more than ${OTHER_MAX_PCT} % of either core (of CPU $PROXY_CPU: any but the proxy; of CPU $LOAD_CPU: any but the load generator, the origins and the sink), or the hypervisor stole more than ${STEAL_MAX_PCT} %; it is discarded and run again once while the time budget allows. Rounds whose req/s vary by more than ${CV_MAX_PCT} % (coefficient of variation) are all run once more. This run: $kept rounds kept, $discarded discarded as disturbed, $kept_disturbed kept although disturbed (the repeat was disturbed too, or no time was left), $replaced replaced because of variation."
    echo
    echo "## Throughput and latency"
    echo
    echo "$MAIN_TABLE"
    echo
    echo "Errors are summed over the kept rounds; proxy CPU is in % of one core over the rounds. TLS rows use an ECDSA P-256 certificate. In the new-TLS-connection-per-request rows every request opens a new connection with a TLS 1.3 handshake, but wrk offers the session ticket of the connection before, so a proxy that resumes sessions (see above) does a resumption (PSK with ECDHE, no certificate signature), not a full handshake."
    echo
    echo "![requests per proxy-core second relative to HAProxy](chart-per-core-vs-haproxy.png)"
    echo
    echo "![throughput and p99 across the concurrency sweep](chart-concurrency-sweep.png)"
    echo
    if wanted idle; then
        echo "## $IDLE_CONNS idle keep-alive connections"
        echo
        echo "Measured right after the warm-up, before the load scenarios. A client on CPU $LOAD_CPU opens the connections in batches of 500, sends one GET /100 on each, reads the answers and then keeps them all open without a byte more. RSS is VmRSS summed over the proxy's processes; for the JVM the heap is measured after \`jcmd GC.run\` (\`GC.heap_info\`). The JVM's RSS hardly moves because its heap is committed before, so for Portcullis the heap figure is the one to read. While they are held a new connection must still be served, and at the end a second request is sent on every held connection."
        echo
        echo "$IDLE_TABLE"
        echo
    fi
    if wanted upload || wanted download; then
        echo "## Large transfers, streamed"
        echo
        echo "One request each: the download fetches a $((TRANSFER_BYTES / 1048576)) MiB file from an origin; the upload streams $((TRANSFER_BYTES / 1048576)) MiB from /dev/zero as a chunked POST to a sink that reads it to the end. Peak RSS is VmHWM, reset before the transfer. For the JVM, jstat samples the heap every 250 ms during the transfer; a flat heap shows the body was streamed, not buffered."
        echo
        echo "$TRANSFER_TABLE"
        echo
    fi
    echo "## What did not run, and notes"
    echo
    if [[ $not_ok -eq 0 && ${#NOTES[@]} -eq 0 ]]; then
        echo "- Every scenario ran for every proxy."
    fi
    awk -F, 'NR > 1 && $3 != "ok" { s = $1; p = $2; st = $3; sub(/^[^,]*,[^,]*,[^,]*,/, ""); gsub(/"/, ""); print s "|" p "|" st "|" $0 }' "$STATUS_CSV" |
        while IFS='|' read -r s p st reason; do
            echo "- ${LABEL[$s]:-$s}, ${PROXY_NAME[$p]}: $st: $reason"
        done
    for n in "${NOTES[@]}"; do echo "- $n"; done
    echo
    echo "Raw data of this run (every round's wrk or h2load output, rounds.csv, summary.csv, the configurations): \`bench/results/$RUN_ID/\` (not committed)."
} >"$BENCH_DIR/RESULTS.md"
cp "$BENCH_DIR/RESULTS.md" "$RESULTS_DIR/RESULTS.md"
progress "done: bench/RESULTS.md, $(basename "$CHART_PERCORE"), $(basename "$CHART_SWEEP"); raw data in bench/results/$RUN_ID"
