#!/usr/bin/env bash
# Speed as ratios measured side by side in one run (see ../shared/bench/README.md): PostgreSQL's TPC-B rate on this
# box (the anchor, before and after), then the load generator's orders, agents and reads scenarios against a running
# AgentOps, optionally the DBOS peer at the same client loop; every figure is reported as a ratio to the anchor.
#
# usage: tests/scripts/bench.sh [--url http://localhost:8080] [--label NAME] [--seconds 30] [--peer]
#                               [--soak SECONDS] [--out docs/bench/results.jsonl] [--kit ../shared/bench]
#   --label  names the run in the results (e.g. "10 books", "10000 books": start ./run.sh --books N for that)
#   --peer   also runs the kit's peer-agents.sh (DBOS Transact on its own PostgreSQL, C=16) against us
#   --soak   instead: one orders run and one agents run of SECONDS each with a timeline (one JSON line per 10 s)
#            in docs/bench/soak-<scenario>.jsonl, and their second and last minute compared; chart: bench-chart.py
# Needs ./run.sh running; run nothing else meanwhile (two cores are shared by the system, PostgreSQL and the load).
# Every JSON line is appended to --out with the label, the date and the box.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
URL=http://localhost:8080 LABEL=default SECONDS_=30 PEER=0 SOAK=0 OUT="$ROOT/docs/bench/results.jsonl" KIT="$ROOT/../shared/bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --url) URL="$2"; shift 2 ;;
    --label) LABEL="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --peer) PEER=1; shift ;;
    --soak) SOAK="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --kit) KIT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$KIT/pgbench-anchor.sh" ] || { echo "the benchmark kit is not at $KIT (--kit DIR)" >&2; exit 2; }
curl -fsS "$URL/health" >/dev/null || { echo "AgentOps does not answer at $URL/health: start ./run.sh first" >&2; exit 2; }
LOADGEN="$ROOT/tests/AgentOps.LoadGen/bin/Release/net10.0/AgentOps.LoadGen.dll"
[ -f "$LOADGEN" ] || dotnet build "$ROOT/tests/AgentOps.LoadGen" -c Release -nologo -v q
mkdir -p "$(dirname "$OUT")"
BOX="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
log() { printf '[bench] %s\n' "$*" >&2; }
record() { # json-line -> appended with label, date and box
  local line="$1"
  node -e 'const [l, label, date, box] = process.argv.slice(1); console.log(JSON.stringify({label, date, box, ...JSON.parse(l)}))' \
    "$line" "$LABEL" "$DATE" "$BOX" | tee -a "$OUT"
}
anchor() { log "pgbench anchor (15 s, 32 clients)"; "$KIT/pgbench-anchor.sh" 15 32 | tail -n 1; }
load() { # scenario concurrency seconds warmup [extra args]
  log "load generator: $1 at --concurrency $2 for $3 s"
  # The load generator exits non-zero on errors or a broken invariant; its JSON line says which, so keep going.
  local out; out=$(dotnet "$LOADGEN" --url "$URL" --scenario "$1" --concurrency "$2" --duration "$3" --warmup "$4" "${@:5}" 2>&1 | tee -a "$ROOT/docs/bench/last-run.log" | tail -n 1) || true
  case "$out" in "{"*) echo "$out" ;; *) echo "{\"scenario\":\"$1\",\"failed\":true}"; log "the $1 run failed: see docs/bench/last-run.log" ;; esac
}

if [ "$SOAK" != 0 ]; then
  for scenario in orders agents; do
    timeline="$ROOT/docs/bench/soak-$scenario.jsonl"; : > "$timeline"
    concurrency=48; [ "$scenario" = agents ] && concurrency=64
    record "$(load "$scenario" "$concurrency" "$SOAK" 10 --timeline "$timeline")"
    # Throughput of the second minute and of the last minute, from the 10 s timeline.
    record "$(node -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
      const minute = (from, to) => { const w = lines.filter(l => l.t_s > from && l.t_s <= to); return w.reduce((s, l) => s + l.requests, 0) / 60; };
      const end = lines[lines.length - 1].t_s, second = minute(60, 120), last = minute(end - 60, end);
      console.log(JSON.stringify({ soak: process.argv[2], seconds: end, second_minute_rps: +second.toFixed(1), last_minute_rps: +last.toFixed(1),
        last_over_second: +(last / second).toFixed(3) }));' "$timeline" "$scenario")"
    sleep 60 # let the sweeper finish what the run left behind before the next one
  done
  exit 0
fi

a1=$(anchor); record "$a1"
orders=$(load orders 48 "$SECONDS_" 8); record "$orders"
sleep 5
agents=$(load agents 64 "$SECONDS_" 5); record "$agents"
reads=$(load reads 32 "$SECONDS_" 3); record "$reads"
peer=""
if [ "$PEER" = 1 ]; then
  log "peer-agents.sh: DBOS Transact and AgentOps, C=16"
  peer=$(AGENTOPS_URL="$URL" C=16 D="$SECONDS_" W=5 "$KIT/peer-agents.sh" | tail -n 1); record "$peer"
fi
a2=$(anchor); record "$a2"
record "$(node -e '
  const [a1, a2, o, ag, r, p] = process.argv.slice(1).map(s => s ? JSON.parse(s) : null);
  const anchor = (a1.tps + a2.tps) / 2, x = v => +(v / anchor).toFixed(3);
  console.log(JSON.stringify({ summary: true, anchor_tps: +anchor.toFixed(1),
    orders_rps: o.throughput_rps, orders_p99_ms: o.p99_ms, orders_errors: o.errors, orders_invariant: o.invariant, orders_over_anchor: x(o.throughput_rps),
    agents_rps: ag.throughput_rps, agents_p99_ms: ag.p99_ms, agents_errors: ag.errors, agents_over_anchor: x(ag.throughput_rps),
    reads_rps: r.throughput_rps, reads_p99_ms: r.p99_ms,
    ...(p ? { peer_dbos_rps: p.peer_rps, ours_at_c16_rps: p.ours_rps, agents_over_dbos: p.ratio } : {}) }));' \
  "$a1" "$a2" "$orders" "$agents" "$reads" "$peer")"
