#!/usr/bin/env bash
# Rows 5 and 7 before (a build of df48829, the last commit before protocol v2, in /work/base) and after (main 8db7d20,
# in /work/final), alternating, the order reversed in round 2. Run beside a 200-run fault campaign (two campaigns in parallel).
BEFORE=/work/base; AFTER=/work/final
banner() { echo "=== $1 $2 round $3 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
row7a() { banner row7-branches $1 $2; local sys=""; [ $1 = after ] && sys="--systems entente";
  (cd $3 && bin/entente bench coordinator $sys --nodes 1 --branches 1,2,4,8 --concurrency 1,16,64 --warmup 5 --seconds 5 --runs 1 2>&1 | grep -E "^run 1|calls|flush"); }
row5() { banner row5 $1 $2; (cd $3 && bin/entente bench locked --runs 1 --warmup 10 --seconds 10 2>&1 | grep -E "^run 1"); }
row7b() { banner row7-memory $1 $2; (cd $3 && bin/entente bench coordinator-memory --transactions 1000,10000 --runs 1 2>&1 | grep -vE "^\s+at |^machine"); }
for row in ${ROWS:-row7a row5 row7b}; do
  for round in 1 2; do
    if [ $round = 1 ]; then $row before $round $BEFORE; $row after $round $AFTER; else $row after $round $AFTER; $row before $round $BEFORE; fi
  done
done
