# The orphan reaper (see OrphanReaper.java). Its standard input is a pipe that only the JVM which
# started it writes to: "watch PID" and "forget PID" lines. The input ends when that JVM exits,
# however it exits (the kernel closes the pipe on SIGKILL too); then every process still watched is
# asked to stop (SIGTERM: shutdown hooks run, databases shut down cleanly) and killed (SIGKILL)
# if it still runs 10 s later.
trap '' HUP INT TERM # Ctrl-C or a closed terminal hit the launcher's whole group: keep watching
watched=""
while read -r verb pid; do
  case "$verb" in
    watch) watched="$watched $pid" ;;
    forget)
      kept=""
      for p in $watched; do [ "$p" = "$pid" ] || kept="$kept $p"; done
      watched="$kept" ;;
  esac
done
[ -n "$watched" ] || exit 0
kill -TERM $watched 2>/dev/null
tries=0
while [ "$tries" -lt 100 ]; do
  alive=""
  for p in $watched; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
  [ -n "$alive" ] || exit 0
  sleep 0.1
  tries=$((tries + 1))
done
kill -KILL $alive 2>/dev/null
exit 0
