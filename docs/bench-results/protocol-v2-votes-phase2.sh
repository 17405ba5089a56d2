#!/usr/bin/env bash
# Protocol v2, votes in responses + phase 2 by the owner's RM + no Raft log-metadata entries: before (a build of
# e638d56 in /work/base) and after (a build of 98e3d50 in /work/final), alternating, order reversed in round 2. Rows 1, 2, 3 and the demo.
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
BEFORE=${BEFORE:-/work/base}; AFTER=${AFTER:-/work/final}
banner() { echo "=== $1 $2 round $3 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
row1() { banner row1 $1 $2; (cd $3 && bin/entente bench coordinator --nodes 1 --branches 2 --concurrency 1,8,64 --warmup 2 --seconds 6 --runs 1 2>&1 | grep "^run 1"); }
row2() { banner row2 $1 $2; (cd $3 && bin/entente bench two-databases --runs 1 --seconds 10 --warmup 5 --clients ${ROW2_CLIENTS:-8} 2>&1 | grep -E "^run 1"); }
demo() { banner demo $1 $2; (cd $3 && bin/entente demo --seed 17 2>&1 | grep -iE "orders/s|p50|p99|checks|passed|failed" | head -6); }
row3() { banner row3 $1 $2; (cd $3 && bin/entente bench two-services --runs 1 --seconds 10 --warmup 5 --clients 8 2>&1 | grep -E "^run 1"); }
for row in ${ROWS:-row1 row2 row3 demo}; do
  for round in 1 2; do
    if [ $round = 1 ]; then $row before $round $BEFORE; $row after $round $AFTER; else $row after $round $AFTER; $row before $round $BEFORE; fi
  done
done
