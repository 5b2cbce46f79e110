#!/usr/bin/env bash
# Runs the whole AgentOps system on this machine in the foreground: PostgreSQL (local, under .data/ or
# $AGENTOPS_DATA, unless AgentOps__Postgres is set), the web tier with a co-hosted silo on http://localhost:8080,
# and --silos N-1 further silo processes. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

PORT=8080
SILOS=1
BOOKS=""
usage() { echo "usage: ./run.sh [--port N] [--silos N] [--books N]"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --silos) SILOS="$2"; shift 2 ;;
    --books) BOOKS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1"; usage; exit 2 ;;
  esac
done
[[ "$PORT" =~ ^[0-9]+$ && "$SILOS" =~ ^[1-9][0-9]*$ ]] || { usage; exit 2; }

log() { printf '[run.sh] %s\n' "$*"; }

# Set before anything is started, so that a failed build or a signal during start-up stops what was started.
PIDS=()
PG_STARTED_HERE=0
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  # Background children of a script ignore SIGINT, so they are asked to stop with SIGTERM (graceful in .NET).
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$PG_STARTED_HERE" = 1 ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null || true; fi
  log "stopped"
}
trap cleanup INT TERM EXIT

# --- PostgreSQL -------------------------------------------------------------------------------
DATA=$(realpath -m "${AGENTOPS_DATA:-$ROOT/.data}") # relative to the repository, like .data
PGDATA="$DATA/postgres"
PGPORT="${AGENTOPS_PG_PORT:-55432}"
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL binaries not found (apt-get install postgresql)"; exit 1; }
  echo "$dir"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -z "${AgentOps__Postgres:-}" ]; then
  PGBIN=$(pg_bin)
  mkdir -p "$DATA"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the data belongs to the postgres user, who must reach it.
    d=$DATA; while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "initialising PostgreSQL in $PGDATA"
    mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U agentops --auth=trust -E UTF8 >/dev/null
    cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
max_connections = 200
shared_buffers = 256MB
CONF
  fi
  pg_ready() { "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PGPORT" -q; }
  if pg_ready; then
    log "reusing the PostgreSQL server already running on port $PGPORT"
  else
    # A server killed with -9 leaves postmaster.pid behind. If its process is gone (or a zombie),
    # the lock is stale: remove it and let PostgreSQL's crash recovery do the rest.
    # The socket's lock file carries the same pid and is just as stale.
    for lock in "$PGDATA/postmaster.pid" "$PGDATA/.s.PGSQL.$PGPORT.lock"; do
      [ -f "$lock" ] || continue
      pid=$(head -n 1 "$lock")
      state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
      if [ -z "$state" ] || [ "$state" = Z ]; then
        log "removing the stale lock $(basename "$lock") of a PostgreSQL server that is no longer running (pid $pid)"
        rm -f "$lock"
        [ "$lock" = "$PGDATA/.s.PGSQL.$PGPORT.lock" ] && rm -f "$PGDATA/.s.PGSQL.$PGPORT"
      fi
    done
    if [ -f "$PGDATA/postmaster.pid" ]; then
      log "waiting for the PostgreSQL server that is starting up"
      for _ in $(seq 1 60); do pg_ready && break; sleep 1; done
    else
      log "starting PostgreSQL on port $PGPORT"
      # Checkpoints: with PostgreSQL's defaults (1 GB of WAL, 5 min) a sustained order load forced one every ~2
      # minutes, each followed by a burst of full-page writes.
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 120 \
        -o "-c max_wal_size=4GB -c checkpoint_timeout=15min" start >/dev/null
      PG_STARTED_HERE=1
    fi
    pg_ready || { log "PostgreSQL is not accepting connections; see $PGDATA/server.log"; exit 1; }
  fi
  if ! as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U agentops -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='agentops'" | grep -q 1; then
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U agentops agentops
  fi
  export AgentOps__Postgres="Host=127.0.0.1;Port=$PGPORT;Database=agentops;Username=agentops;Maximum Pool Size=100"
fi

# --- build ------------------------------------------------------------------------------------
log "building (Release)"
dotnet build "$ROOT/src/Web/Web.csproj" -c Release -nologo -v q -clp:ErrorsOnly
dotnet build "$ROOT/src/Silo/Silo.csproj" -c Release -nologo -v q -clp:ErrorsOnly

# --- cluster TLS --------------------------------------------------------------------------------
# Silos and the web tier accept only peers holding a certificate from this machine's own cluster authority,
# made once under .data/certs ($DATA/certs; git-ignored, readable by this user only).
CERTS="$DATA/certs"
dotnet "$ROOT/src/Silo/bin/Release/net10.0/AgentOps.Silo.dll" certs --out "$CERTS" | sed 's/^/[run.sh] /'
chmod 700 "$CERTS"
export AgentOps__Cluster__Tls__CertificatePath="$CERTS/node.pfx" AgentOps__Cluster__Tls__AuthorityPath="$CERTS/cluster-ca.crt"

# --- processes --------------------------------------------------------------------------------
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export AgentOps__PublicUrl="http://localhost:$PORT"
[ -n "$BOOKS" ] && export AgentOps__Seed__Books="$BOOKS"

dotnet "$ROOT/src/Web/bin/Release/net10.0/AgentOps.Web.dll" --urls "http://0.0.0.0:$PORT" \
  --contentRoot "$ROOT/src/Web" &
PIDS+=($!)
for i in $(seq 2 "$SILOS"); do
  AgentOps__Cluster__SiloPort=$((11110 + i)) AgentOps__Cluster__GatewayPort=$((29999 + i)) \
    dotnet "$ROOT/src/Silo/bin/Release/net10.0/AgentOps.Silo.dll" --contentRoot "$ROOT/src/Silo" &
  PIDS+=($!)
done

for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:$PORT/health" >/dev/null 2>&1; then break; fi
  kill -0 "${PIDS[0]}" 2>/dev/null || { log "the web process exited"; exit 1; }
  sleep 1
done
log "AgentOps is up with $SILOS silo(s):"
log "  front door  http://localhost:$PORT/store/books"
log "  health      http://localhost:$PORT/health"
log "  OpenAPI     http://localhost:$PORT/openapi/v1.json"
log "Ctrl-C stops it."
wait "${PIDS[0]}"
