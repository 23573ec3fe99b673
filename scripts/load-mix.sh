#!/usr/bin/env bash
# Runs the load tool's full mix against a fresh demo database: builds guli
# and guli-load, starts the server(s), drives them with `guli-load -mix`
# (the raw write floor and the servers' memory included) and stops them.
#
#   scripts/load-mix.sh sqlite            [guli-load flags…]   # one process, a SQLite file
#   scripts/load-mix.sh postgres          [guli-load flags…]   # one process, PostgreSQL
#   scripts/load-mix.sh two               [guli-load flags…]   # two processes, one PostgreSQL
#
# e.g. scripts/load-mix.sh sqlite -c 32 -d 20s
#
# PostgreSQL: GULI_LOAD_POSTGRES is the server's address (default the
# test server's); the script makes a database guli_load_mix there and
# drops it afterwards (GULI_LOAD_KEEP=1 keeps it, and the SQLite file).
# The servers listen from GULI_LOAD_PORT (default 18560) up, their
# metrics and profiles (/debug/pprof/) one above each; GULI_LOAD_PAUSE=N
# keeps them running N seconds after the run, to take a profile.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
shift || true
case "$mode" in
sqlite | postgres | two) ;;
*)
	sed -n '2,20p' "$0" >&2
	exit 2
	;;
esac

port="${GULI_LOAD_PORT:-18560}"
pg="${GULI_LOAD_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
work="$(mktemp -d /tmp/guli-load-mix.XXXXXX)"
go build -o "$work/guli" ./cmd/guli
go build -o "$work/guli-load" ./cmd/guli-load

pids=()
dsn="$work/load.db"
dbname=guli_load_mix
stop() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ "$mode" != sqlite && "${GULI_LOAD_KEEP:-}" != 1 ]]; then
		psql -q "$pg" -c "DROP DATABASE IF EXISTS $dbname" || true
	fi
	if [[ "${GULI_LOAD_KEEP:-}" != 1 ]]; then
		rm -rf "$work"
	fi
}
trap stop EXIT

if [[ "$mode" != sqlite ]]; then
	psql -q "$pg" -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname"
	dsn="$(sed -E "s#/[^/?]*(\?|\$)#/$dbname\1#" <<<"${pg#postgres://}")"
	dsn="postgres://$dsn"
fi

procs=1
[[ "$mode" == two ]] && procs=2
urls=()
for i in $(seq 0 $((procs - 1))); do
	p=$((port + 2 * i))
	args=(serve --db "$dsn" --addr "127.0.0.1:$p" --metrics-addr "127.0.0.1:$((p + 1))")
	# The first fills the empty database with the demo and runs the job
	# worker; the second serves only (the mix sends no WeCom or e-mail, so
	# one worker or two makes no difference to it).
	if [[ $i == 0 ]]; then args+=(--demo); else args+=(--worker=false); fi
	"$work/guli" "${args[@]}" >"$work/guli-$i.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break
		sleep 0.2
	done
	curl -sf "http://127.0.0.1:$p/readyz" >/dev/null || {
		cat "$work/guli-$i.log" >&2
		exit 1
	}
	urls+=("http://127.0.0.1:$p")
	echo "guli $i: http://127.0.0.1:$p (pid ${pids[$i]}, metrics and pprof on 127.0.0.1:$((p + 1)))" >&2
done

"$work/guli-load" -mix -url "$(
	IFS=,
	echo "${urls[*]}"
)" -pid "$(
	IFS=,
	echo "${pids[*]}"
)" -db "$dsn" "$@"
sleep "${GULI_LOAD_PAUSE:-0}"
