#!/usr/bin/env bash
# The job repository at a million executions: fills a PostgreSQL database with 1,000,000 job executions (3 steps
# and a parameter each, spread over 10 statuses and 3 jobs), then measures, on it:
#   - the plan and time of each list query behind `status`, the REST API and the dashboard (EXPLAIN ANALYZE,
#     through `sluice status --explain`, which runs the very query they run);
#   - `sluice status` as whole commands (median of 5);
#   - the API's answers and the dashboard's pages through a `sluice serve` on it (median of 5 requests each).
# Usage: src/bench/repository-1m.sh [--reuse] [--plans-only]   (--reuse: the copy of the last run, as it is)   (PGHOST, PGPORT, PGUSER as for psql; default 127.0.0.1, 5432, postgres)
# The filled database is kept as sluice_bench_1m_tpl and copied for each run (the first fill takes minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
TPL=sluice_bench_1m_tpl DB=sluice_bench_1m PORT=${BENCH_PORT:-18999}
work=$(mktemp -d)
trap 'kill "${serve:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
sql() { psql -XtAq -d "$1" -c "$2"; }
median() { python3 -c "import statistics,sys; print('%.1f' % statistics.median(map(float, sys.argv[1:])))" "$@"; }

./sluice --help >/dev/null  # builds the jar when needed
if [[ $(psql -XtA -d postgres -c "select 1 from pg_database where datname='$TPL'") != 1 ]]; then
  echo "filling $TPL with 1,000,000 executions (once)..." >&2
  psql -q -d postgres -c "CREATE DATABASE $TPL" >/dev/null
  mkdir -p "$work/jobs"
  DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$TPL?user=$PGUSER" SLUICE_DATA_DIR="$work/data" ./sluice jobs list --jobs-dir "$work/jobs" >/dev/null
  sql $TPL "
    INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key)
      SELECT 100 + g, 0, (ARRAY['migrate','workflow','analyze-schema'])[1 + g % 3], md5(g::text) FROM generate_series(1, 1000000) g;
    INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time, end_time, status, exit_code, exit_message, last_updated)
      SELECT 100 + g, 2, 100 + g, ts, ts, ts + interval '40 seconds',
             (ARRAY['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','FAILED','STOPPED','ABANDONED','COMPLETED'])[1 + g % 10],
             'COMPLETED', '', ts + interval '40 seconds'
      FROM (SELECT g, timestamp '2024-01-01' + g * interval '30 seconds' AS ts FROM generate_series(1, 1000000) g) s;
    INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type, parameter_value, identifying)
      SELECT 100 + g, 'store', 'java.lang.String', '/srv/stores/store-' || (g % 5000), 'Y' FROM generate_series(1, 1000000) g;
    INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time, start_time, end_time, status,
             commit_count, read_count, filter_count, write_count, read_skip_count, write_skip_count, process_skip_count, rollback_count, exit_code, exit_message, last_updated)
      SELECT 100 + g * 3 + k, 3, 'step-' || k, 100 + g, ts, ts, ts + interval '10 seconds', 'COMPLETED', 10, 1000, 0, 1000, 0, 0, 0, 0, 'COMPLETED', '', ts
      FROM (SELECT g, timestamp '2024-01-01' + g * interval '30 seconds' AS ts FROM generate_series(1, 1000000) g) s, generate_series(0, 2) k;
    SELECT setval('batch_job_instance_seq', 2000000); SELECT setval('batch_job_execution_seq', 2000000); SELECT setval('batch_step_execution_seq', 5000000);
    ANALYZE;" >/dev/null
fi
export DATABASE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB?user=$PGUSER" SLUICE_DATA_DIR="$work/data"
[[ ${1:-} == --reuse ]] || psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE $TPL" >/dev/null
echo "executions: $(sql $DB 'select count(*) from batch_job_execution')"
# The keyset bound of page 501 of the workflow executions (20 a page): the last id of page 500
deep=$(sql $DB "select min(job_execution_id) from (select e.job_execution_id from batch_job_execution e
  join batch_job_instance i on i.job_instance_id = e.job_instance_id where i.job_name = 'workflow' order by 1 desc limit 10000) page500")
# Each filter of the list, as `status` options (the API and the dashboard take the same ones as query parameters)
filters=("" "--job migrate" "--status FAILED" "--status FAILED --job migrate" "--since 2024-06-01T00:00 --limit 50"
         "--since 2024-06-01 --until 2024-06-02" "--parameter store=/srv/stores/store-42" "--job workflow --page 500" "--job workflow --before $deep")
echo
echo "== plans of the list queries (EXPLAIN ANALYZE) =="
for f in "${filters[@]}"; do
  # shellcheck disable=SC2086
  plan=$(./sluice status $f --explain)
  echo "-- status $f: $(grep -o 'Execution Time: .*' <<<"$plan")"
  [[ ${VERBOSE_PLANS:-} == 1 ]] && echo "$plan"
done
[[ ${2:-${1:-}} == --plans-only ]] && exit 0

echo
echo "== sluice status, whole commands (median of 5, ms) =="
for f in "" "--status FAILED --job migrate" "--since 2024-06-01T00:00 --limit 50" "--parameter store=/srv/stores/store-42"; do
  t=()
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N)
    # shellcheck disable=SC2086
    ./sluice status $f >/dev/null
    t+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  echo "status $f: $(median "${t[@]}") ms"
done

echo
echo "== the REST API and the dashboard through sluice serve (median of 5 requests, ms) =="
SERVER_PORT=$PORT ./sluice serve --jobs-dir "$work/jobs" >"$work/serve.log" 2>&1 & serve=$!
for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/jobs" && break; sleep 1; done
paths=("/api/executions" "/api/executions?job=migrate&status=FAILED" "/api/executions?since=2024-06-01&until=2024-06-02"
       "/api/executions?parameter=store%3D%2Fsrv%2Fstores%2Fstore-42" "/api/executions?page=500" "/api/executions?job=workflow&before=$deep"
       "/api/executions/500100"
       "/api/executions/500100/progress" "/api/jobs" "/" "/executions" "/executions?status=FAILED&job=migrate"
       "/executions?parameter=store%3D%2Fsrv%2Fstores%2Fstore-42" "/executions?job=workflow&page=500" "/executions?job=workflow&page=501&before=$deep" "/executions/500100")
for path in "${paths[@]}"; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT$path"  # warm
  t=()
  for _ in 1 2 3 4 5; do
    t+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT$path" | python3 -c 'import sys; print(float(sys.stdin.read()) * 1000)')")
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  echo "GET $path: $(median "${t[@]}") ms (HTTP $code)"
done
