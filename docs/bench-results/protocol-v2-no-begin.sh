#!/usr/bin/env bash
# Row 1 before/after protocol v2 "no Begin": the same driver, alternating checkouts, 3 rounds.
ARGS="coordinator --nodes 1,3 --branches 0,2 --concurrency 1,64 --warmup 2 --seconds 5 --runs 1"
for round in 1 2 3; do
  for variant in before after; do
    dir=/work/verify; [ "$variant" = after ] && dir=/work/main
    echo "=== round $round: $variant ($(cd $dir && git log --oneline -1 | cut -c1-60)) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd $dir && bin/entente bench $ARGS 2>&1 | grep -E "^run 1:|^\|")
  done
done
