#!/bin/bash
# row 2 before (5cc3a60) and after (a0624d4, the runtime of HEAD), alternating; load average with each
for round in 1 2; do
  for clients in 8 1; do
    for side in before camp; do
      echo "=== round $round clients $clients side $side ($( [ $side = before ] && echo 5cc3a60 || echo a0624d4 )) load: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
      (cd /work/$side && bin/entente bench two-databases --variants no-global-transaction,entente --runs 1 --warmup 10 --seconds 10 --clients $clients 2>/dev/null | grep -E "^\|")
    done
  done
done
echo "=== end load: $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
