#!/usr/bin/env bash
# Alternates the build before protocol v2 (df48829, /work/campaign-src) and after (/work/wt-bench), same machine, same run.
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
B=/work/campaign-src; A=/work/wt-bench
run() { local label=$1 root=$2; shift 2; echo "=== $label $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg) :: bench $*"; "$root/bin/entente" bench "$@" 2>&1 | grep -v "^\s*$" | tail -25; echo "=== end $label $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
for round in 1 2; do
  if [ $round = 1 ]; then first=B; else first=A; fi
  for spec in "coordinator --nodes 1 --branches 2 --concurrency 1,64 --runs 1 --seconds 5" \
              "two-databases --runs 1 --seconds 10 --clients 8" \
              "two-databases --runs 1 --seconds 10 --clients 1" \
              "publish --runs 1 --seconds 10"; do
    if [ $first = B ]; then run "before(df48829) round $round" $B $spec; run "after(v2 step) round $round" $A $spec;
    else run "after(v2 step) round $round" $A $spec; run "before(df48829) round $round" $B $spec; fi
  done
done
