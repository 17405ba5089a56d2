# The orphan reaper (see OrphanReaper.java). Its standard input is a pipe that only the JVM which
# started it writes to: "watch PID", "forget PID" and "remove DIRECTORY" lines. The input ends when
# that JVM exits, however it exits (the kernel closes the pipe on SIGKILL too); then every process
# still watched is asked to stop (SIGTERM: shutdown hooks run, databases shut down cleanly), killed
# (SIGKILL) if it still runs 10 s later, and the directories to remove are removed.
trap '' HUP INT TERM # Ctrl-C or a closed terminal hit the launcher's whole group: keep watching
newline='
'
watched=""
removals=""
while read -r verb argument; do
  case "$verb" in
    watch) watched="$watched $argument" ;;
    forget)
      kept=""
      for p in $watched; do [ "$p" = "$argument" ] || kept="$kept $p"; done
      watched="$kept" ;;
    remove) removals="$removals$argument$newline" ;;
  esac
done

finish() {
  printf '%s' "$removals" | while IFS= read -r directory; do
    [ -n "$directory" ] && rm -rf -- "$directory"
  done
  exit 0
}

[ -n "$watched" ] || finish
kill -TERM $watched 2>/dev/null
tries=0
while [ "$tries" -lt 100 ]; do
  alive=""
  for p in $watched; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
  [ -n "$alive" ] || finish
  sleep 0.1
  tries=$((tries + 1))
done
kill -KILL $alive 2>/dev/null
sleep 1 # let the killed processes go before their files do
finish
