#!/bin/bash
cd /work/main
for round in 1 2; do
for v in "" "-Dentente.exp.no-log-metadata=true" "-Dentente.exp.async-flush=true" "-Dentente.exp.no-log-metadata=true -Dentente.exp.async-flush=true"; do
  echo "== round $round variant [$v] $(uptime)"
  JAVA_TOOL_OPTIONS="$v" bin/entente bench coordinator --nodes 1 --branches 2 --concurrency 8,64 --warmup 2 --seconds 6 --runs 1 2>&1 | grep "^run 1"
done; done
