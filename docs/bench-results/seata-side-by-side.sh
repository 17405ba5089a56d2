#!/usr/bin/env bash
# Issue 17, "Seata side by side": row 1 (Entente vs Seata 2.0.0's raft coordinator, 1 and 3 nodes, empty transactions)
# and row 2 (two databases: no global transaction, Entente, Atomikos, Narayana, Seata XA) at 8 and 1 clients, from one
# checkout, one after the other, twice; every driver line carries the load average ([load …]).
# Row 2 uses databases of its own (--databases): another engineer's row-2 run may use the default ones at the same time.
set -uo pipefail
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
cd "$(dirname "$0")/../.."
stamp() { echo "=== $1 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
for round in 1 2; do
  stamp "round $round: row 1"
  bin/entente bench coordinator --systems entente,seata --nodes 1,3 --branches 0 --concurrency 1,16,64 --runs 2 2>&1 | grep -v '^\s*$'
  stamp "round $round: row 2, 8 clients"
  bin/entente bench two-databases --clients 8 --runs 2 --databases entente_seata_two 2>&1 | grep -v '^\s*$'
  stamp "round $round: row 2, 1 client"
  bin/entente bench two-databases --clients 1 --runs 2 --databases entente_seata_two 2>&1 | grep -v '^\s*$'
done
stamp end
