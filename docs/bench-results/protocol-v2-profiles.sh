#!/usr/bin/env bash
# JFR profiles of the final build (/work/final) for issue 17's goals not met: row 2 at 1 client (Entente and Narayana,
# every wait recorded: thresholds 0), row 1 on three nodes at 64 clients (CPU samples and waits on every node).
export ENTENTE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres" ENTENTE_TEST_MARIADB_URL="jdbc:mariadb://127.0.0.1:3306/test?user=root&password="
OUT=${OUT:-/work/bench/prof}; APP=/work/final; W=${WARMUP:-20}; REC=${REC:-10}
# wait.jfc: the JDK's profile.jfc with every wait recorded (thresholds 0 ms)
mkdir -p $OUT; python3 - "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" $OUT/wait.jfc <<'PY'
import re, sys
s = open(sys.argv[1]).read()
for ev in ["SocketRead", "SocketWrite", "ThreadPark", "FileForce", "FileWrite", "FileRead", "JavaMonitorWait", "JavaMonitorEnter"]:
    s = re.sub(r'(<event name="jdk.%s">.*?<setting name="threshold"[^>]*>)([^<]*)(</setting>)' % ev, r'\g<1>0 ms\g<3>', s, flags=re.S)
open(sys.argv[2], "w").write(s)
PY
load() { cut -d' ' -f1-3 /proc/loadavg; }
record() { # pid name
  jcmd $1 JFR.start name=p settings=$OUT/wait.jfc duration=${REC}s filename=$OUT/$2.jfr >/dev/null && echo "  JFR on $2 (pid $1) from $(date -u +%H:%M:%S), load $(load)"; }
# Runs "$2 PID" (in the background) for every new JVM whose command line matches $1, while job $3 runs.
on_new_jvm() {
  local pattern=$1 handler=$2 bench=$3 seen=""
  while kill -0 $bench 2>/dev/null; do
    for pid in $(pgrep -f "$pattern"); do
      case " $seen " in *" $pid "*) continue;; esac; seen="$seen $pid"
      $handler $pid &
    done
    sleep 0.5
  done
  wait
}
row2jvm() { # the workload JVM of a variant; with Entente's, the coordinator too
  local v=narayana; grep -q javaagent /proc/$1/cmdline 2>/dev/null && v=entente
  sleep $((W + 2)); record $1 row2-1-$v
  if [ $v = entente ]; then local c=$(pgrep -f -- "--data-dir $OUT/work2" | head -1); [ -n "$c" ] && record $c row2-1-coordinator; fi
}
row2one() {
  echo "=== row 2, 1 client, entente and narayana $(date -u +%H:%M:%S) load $(load)"
  rm -rf $OUT/work2; (cd $APP && bin/entente bench two-databases --runs 1 --clients 1 --warmup $W --seconds $((REC + 6)) --variants entente,narayana \
     --work $OUT/work2 2>&1 | grep -E "^run 1") &
  on_new_jvm "bench.twodatabases.TwoDatabasesWorkload" row2jvm $!
}
row1three() {
  echo "=== row 1, 3 nodes, 0 branches, 64 clients $(date -u +%H:%M:%S) load $(load)"
  rm -rf $OUT/work1; (cd $APP && bin/entente bench coordinator --systems entente --nodes 3 --branches 0 --concurrency 64 --warmup $W \
     --seconds $((REC + 6)) --runs 1 --work $OUT/work1 2>&1 | tee $OUT/row1.log | grep -E "^run 1") & local bench=$!
  until grep -q "^started" $OUT/row1.log 2>/dev/null || ! kill -0 $bench 2>/dev/null; do sleep 0.5; done
  sleep $((W + 2)); local i=0
  for pid in $(pgrep -f -- "--data-dir $OUT/work1"); do i=$((i + 1)); record $pid row1-3-node$i & done
  wait
}
row3jvm() { # a service JVM: the front one calls the second over http://
  local v=plain; grep -q javaagent /proc/$1/cmdline 2>/dev/null && v=entente
  local role=second; tr '\0' ' ' < /proc/$1/cmdline | grep -q "http://" && role=front
  sleep $((W + 4)); record $1 row3-$v-$role
}
row3() {
  echo "=== row 3, 8 clients, no global transaction and entente $(date -u +%H:%M:%S) load $(load)"
  rm -rf $OUT/work3; (cd $APP && bin/entente bench two-services --runs 1 --clients 8 --warmup $W --seconds $((REC + 6)) \
     --work $OUT/work3 2>&1 | grep -E "^run 1") &
  on_new_jvm "bench.twoservices.CreditService" row3jvm $!
}
for part in ${PARTS:-row2one row1three row3}; do $part; done
echo "=== end $(date -u +%H:%M:%S) load $(load)"
