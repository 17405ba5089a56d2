#!/usr/bin/env bash
# Issue 17, "Seata side by side", row 2 again with warm JVMs (30 s warm-up, the drivers' default since main's "Warm-up"):
# no global transaction, Entente, Atomikos, Narayana and Seata XA at 8 clients (2 runs) and 1 client (1 run).
set -uo pipefail
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
cd "$(dirname "$0")/../.."
stamp() { echo "=== $1 $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)"; }
stamp "row 2, 8 clients"
bin/entente bench two-databases --clients 8 --warmup 30 --runs 2 --databases entente_seata_two 2>&1 | grep -v '^\s*$'
stamp "row 2, 1 client"
bin/entente bench two-databases --clients 1 --warmup 30 --runs 1 --databases entente_seata_two 2>&1 | grep -v '^\s*$'
stamp end
# then row 1 with a 10 s warm-up per point (the load had fallen to 6-10)
stamp "row 1, 10 s warm-up"
bin/entente bench coordinator --systems entente,seata --nodes 1,3 --branches 0 --concurrency 1,16,64 --warmup 10 --runs 2 2>&1 | grep -v '^\s*$'
stamp end
