#!/usr/bin/env bash
# Orders with a 10-book and with a 10,000-book catalog, compared the way the box allows: one kit run measures each
# catalog once, minutes apart, and the box's own speed drifts by more than the 10 % the comparison asks for. So this
# alternates them (10, 10000, then 10000, 10, ...), each on a fresh system of its own, with the pgbench anchor
# before every measurement, and compares the mean ratio to the anchor of each catalog as well as the mean throughput.
#
# usage: tests/scripts/bench-catalogs.sh [--rounds 2] [--seconds 30] [--out docs/bench/results.jsonl] [--kit ../shared/bench]
# Starts ./run.sh itself (on port 18080, PostgreSQL on 55440, data in a temporary folder removed afterwards), so
# nothing else may run meanwhile: stop your own ./run.sh first. Every JSON line is appended to --out.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=2 SECONDS_=30 OUT="$ROOT/docs/bench/results.jsonl" KIT="$ROOT/../shared/bench"
PORT=18080 PGPORT=55440
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --kit) KIT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$SECONDS_" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds and --seconds take positive whole numbers" >&2; exit 2; }
[ -x "$KIT/pgbench-anchor.sh" ] || { echo "the benchmark kit is not at $KIT (--kit DIR)" >&2; exit 2; }
if pgrep -f "AgentOps.Web.dll|AgentOps.Silo.dll" >/dev/null; then
  echo "an AgentOps process is running: stop it first (the comparison needs the box to itself)" >&2; exit 2
fi
# A server left on these ports would be reused by run.sh, and its old data measured instead of a fresh system's.
if curl -fsS "http://localhost:$PORT/health" >/dev/null 2>&1 || (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
  echo "port $PORT or $PGPORT is in use: stop what listens there first" >&2; exit 2
fi
LOADGEN="$ROOT/tests/AgentOps.LoadGen/bin/Release/net10.0/AgentOps.LoadGen.dll"
[ -f "$LOADGEN" ] || dotnet build "$ROOT/tests/AgentOps.LoadGen" -c Release -nologo -v q
mkdir -p "$(dirname "$OUT")"
BOX="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
LOG="$ROOT/docs/bench/last-catalogs.log"; : > "$LOG"
log() { printf '[bench-catalogs] %s\n' "$*" >&2; }

RUN_PID="" DATA=""
stop_system() {
  [ -n "$RUN_PID" ] || return 0
  kill -TERM "$RUN_PID" 2>/dev/null || true
  wait "$RUN_PID" 2>/dev/null || true
  RUN_PID=""
  [ -n "$DATA" ] && rm -rf "$DATA"; DATA=""
}
RESULTS=$(mktemp -t agentops-catalogs-XXXX.jsonl)
trap 'stop_system; rm -f "$RESULTS"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_system() { # books
  DATA=$(mktemp -d -t agentops-catalogs-XXXX)
  AGENTOPS_DATA="$DATA" AGENTOPS_PG_PORT=$PGPORT "$ROOT/run.sh" --port $PORT --books "$1" >>"$LOG" 2>&1 &
  RUN_PID=$!
  for _ in $(seq 1 180); do
    curl -fsS "http://localhost:$PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$RUN_PID" 2>/dev/null || { log "run.sh exited: see $LOG"; exit 1; }
    sleep 1
  done
  log "AgentOps did not answer within 3 minutes: see $LOG"; exit 1
}

measure() { # round books
  log "round $1, $2 books: starting a fresh system"
  start_system "$2"
  log "round $1, $2 books: pgbench anchor (15 s, 32 clients)"
  local anchor; anchor=$("$KIT/pgbench-anchor.sh" 15 32 | tail -n 1)
  log "round $1, $2 books: orders at --concurrency 48 for $SECONDS_ s"
  local orders; orders=$(dotnet "$LOADGEN" --url "http://localhost:$PORT" --scenario orders --concurrency 48 \
    --duration "$SECONDS_" --warmup 8 2>&1 | tee -a "$LOG" | tail -n 1) || true
  stop_system
  case "$orders" in "{"*) ;; *) orders='{"scenario":"orders","failed":true}'; log "the orders run failed: see $LOG" ;; esac
  node -e '
    const [a, o, round, books, date, box] = process.argv.slice(1);
    const anchor = JSON.parse(a), run = JSON.parse(o);
    console.log(JSON.stringify({ label: `catalogs: ${books} books, round ${round}`, date, box, books: +books, round: +round,
      anchor_tps: anchor.tps, ...run, orders_over_anchor: run.throughput_rps ? +(run.throughput_rps / anchor.tps).toFixed(3) : null }));' \
    "$anchor" "$orders" "$1" "$2" "$DATE" "$BOX" >>"$RESULTS"
  tail -n 1 "$RESULTS" >>"$OUT"
}

for round in $(seq 1 "$ROUNDS"); do
  # Alternate which catalog goes first, so a box that speeds up or slows down favours neither.
  if [ $((round % 2)) = 1 ]; then order="10 10000"; else order="10000 10"; fi
  for books in $order; do measure "$round" "$books"; tail -n 1 "$RESULTS"; done
done

node -e '
  const runs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const date = runs[0].date, box = runs[0].box;
  // A failed run has no figures: the means are over the runs that finished, and the failures are counted.
  const of = n => runs.filter(r => r.books === n && !r.failed && r.throughput_rps);
  const mean = xs => xs.reduce((s, x) => s + x, 0) / xs.length;
  const small = of(10), large = of(10000);
  const failed = runs.filter(r => r.failed || r.errors > 0 || r.invariant !== "ok").length;
  const rps10 = mean(small.map(r => r.throughput_rps)), rps10k = mean(large.map(r => r.throughput_rps));
  const x10 = mean(small.map(r => r.orders_over_anchor)), x10k = mean(large.map(r => r.orders_over_anchor));
  const pct = (a, b) => +((b / a - 1) * 100).toFixed(1);
  console.log(JSON.stringify({ label: "catalogs: summary", date, box, summary: "catalogs", runs_10: small.length, runs_10000: large.length,
    orders_rps_10: +rps10.toFixed(1), orders_rps_10000: +rps10k.toFixed(1), rps_difference_pct: pct(rps10, rps10k),
    over_anchor_10: +x10.toFixed(3), over_anchor_10000: +x10k.toFixed(3), ratio_difference_pct: pct(x10, x10k),
    p99_ms_10: Math.max(...small.map(r => r.p99_ms)), p99_ms_10000: Math.max(...large.map(r => r.p99_ms)),
    runs_with_errors_or_broken_invariant: failed }));' "$RESULTS" | tee -a "$OUT"
