#!/usr/bin/env bash
# Row 2 before/after protocol v2 "no Begin": two databases in one service, alternating checkouts, 2 rounds, order reversed in round 2.
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
run() { echo "=== $1 round $2 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; (cd $3 && bin/entente bench two-databases --runs 1 --seconds 10 --clients 8 2>&1 | grep -v "^\s*$" | tail -12); }
for round in 1 2; do
  if [ $round = 1 ]; then run before $round /work/verify; run after $round /work/main; else run after $round /work/main; run before $round /work/verify; fi
done
