#!/usr/bin/env bash
# Protocol v2 with warm JVMs (30 s warm-up; 10 s per point for row 1): before (a build of df48829, the last commit
# before protocol v2, in /work/base) and after (a build of main, 3999099, in /work/final), alternating, the order reversed
# in round 2. Rows 2 (8 and 1 clients), 3, 6, 1 and the demo. The machine was shared with other engineers' builds.
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
BEFORE=${BEFORE:-/work/base}; AFTER=${AFTER:-/work/final}; W=${WARMUP:-30}
banner() { echo "=== $1 $2 round $3 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
row2() { banner row2-8 $1 $2; (cd $3 && bin/entente bench two-databases --runs 1 --seconds 10 --warmup $W --clients 8 2>&1 | grep -E "^run 1"); }
row2one() { banner row2-1 $1 $2; (cd $3 && bin/entente bench two-databases --runs 1 --seconds 10 --warmup $W --clients 1 2>&1 | grep -E "^run 1"); }
row3() { banner row3 $1 $2; (cd $3 && bin/entente bench two-services --runs 1 --seconds 10 --warmup $W --clients 8 2>&1 | grep -E "^run 1"); }
row6() { banner row6 $1 $2; (cd $3 && bin/entente bench publish --runs 1 --seconds 10 --warmup $W 2>&1 | grep -E "^run 1"); }
row1() { banner row1 $1 $2; (cd $3 && bin/entente bench coordinator --nodes 1 --branches 2 --concurrency 1,8,64 --warmup 10 --seconds 6 --runs 1 2>&1 | grep "^run 1"); }
demo() { banner demo $1 $2; (cd $3 && bin/entente demo --seed 17 2>&1 | grep -E "^  (committed|refused|failed|throughput|latency)|CHECKS|checks passed" | head -8); }
for row in ${ROWS:-row2 row3 row2one row6 row1 demo}; do
  for round in 1 2; do
    if [ $round = 1 ]; then $row before $round $BEFORE; $row after $round $AFTER; else $row after $round $AFTER; $row before $round $BEFORE; fi
  done
done
