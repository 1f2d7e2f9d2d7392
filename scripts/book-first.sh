#!/usr/bin/env bash
# What a new learner waits for from `git clone` to the book, measured as they meet it: the
# course session (`cargo run -p workbook`) in a terminal of its own, on a fresh clone, with an
# empty CARGO_HOME of its own (every crate downloaded, as a new learner's are). The sibling of
# scripts/first-verdict.sh, which times the runner's commands one by one.
#
#   scripts/book-first.sh            a clone of this checkout's HEAD in a temporary folder
#   scripts/book-first.sh DIR        the clone in DIR (kept afterwards)
#   RUNS=3 scripts/book-first.sh     three runs, each from nothing, one line each
#   ROAD=book scripts/book-first.sh           the book's other roads, without the session:
#   ROAD=workbook-book scripts/book-first.sh  `cargo run -p workbook -- book`, or
#                                             `cargo run -p workbook-book`
#   ORDER=book-first scripts/book-first.sh    without the session: the map, then the book's
#   ORDER=check-first scripts/book-first.sh   server and the first check in that order, each
#                                             built with cargo as the session builds them
#
# Five moments, in seconds from the clone: the course map with its link to chapter 1; that
# link answering; chapter 1 readable there (its own text, from its Markdown while the book's
# server is on its way); the first verdict of the first exercise; and the chapter served by
# the book's server itself. A road gives the two chapter moments. The machine's load
# (`uptime`) is printed with each run: on a shared machine the figures are that load's too.
set -euo pipefail
cd "$(dirname "$0")/.."
source_repo=$(pwd)
runs=${RUNS:-1}

# A base port whose block of ports is free: the book is at base + 5.
free_base() {
  python3 - <<'EOF'
import socket
for base in range(20000, 60000, 100):
    try:
        held = []
        for port in range(base, base + 16):
            s = socket.socket(); s.bind(("127.0.0.1", port)); held.append(s)
        print(base); break
    except OSError:
        pass
EOF
}

# status URL: the HTTP status of URL, 000 when nothing answers.
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true; }

# chapter URL TITLE: what chapter 1's address shows: `book` (the book's server's page),
# `readable` (the chapter's text, before its server is up), or nothing yet.
chapter() {
  local page
  page=$(curl -s --fail --max-time 5 "$1") || return 0
  case "$page" in *"$2"*) ;; *) return 0 ;; esac
  case "$page" in *'id="book-on-its-way"'*) echo readable ;; *) echo book ;; esac
}

# one_run DIR: one measurement from a fresh clone into DIR; prints its line.
one_run() {
  local clone=$1 home started log keys port map link verdict first title
  rm -rf "$clone" "$clone.cargo-home"
  mkdir -p "$clone.cargo-home"
  started=$SECONDS
  git clone --quiet "$source_repo" "$clone"
  cd "$clone"
  export CARGO_HOME="$clone.cargo-home"
  export WORKBOOK_BASE_PORT=$(free_base)
  port=$((WORKBOOK_BASE_PORT + 5))
  first=$(sed -n 's/^id = "\([a-z0-9.-]*\)"$/\1/p' lessons/01-*/lesson.toml | sed -n 2p)
  local name
  name=$(basename "$(dirname "$(ls lessons/01-*/lesson.toml)")")
  chapter="http://127.0.0.1:$port/$name.html"
  title=$(sed -n '1s/^# //p' "book/src/$name.md")
  local readable= served= seen

  if [ -n "${ROAD:-}" ]; then
    # The command alone, in a process group of its own, so that it ends with its server.
    local command=(cargo run -p workbook-book)
    [ "$ROAD" = book ] && command=(cargo run -p workbook -- book)
    setsid "${command[@]}" >"$clone.$ROAD.log" 2>&1 &
    local road=$!
    while [ -z "$served" ]; do
      kill -0 "$road" 2>/dev/null || { echo "\`${command[*]}\` ended; its output: $clone.$ROAD.log" >&2; break; }
      seen=$(chapter "$chapter" "$title")
      [ -z "$readable" ] && [ -n "$seen" ] && readable=$((SECONDS - started))
      [ "$seen" = book ] && served=$((SECONDS - started))
      sleep 1
    done
    kill -- -"$road" 2>/dev/null || true
    wait "$road" 2>/dev/null || true
    printf '%-13s chapter readable %4s s   chapter served %4s s   load: %s\n' \
      "$ROAD" "${readable:--}" "${served:--}" "$(uptime | sed 's/.*load average: //')"
    cd "$source_repo"
    return
  fi

  if [ -n "${ORDER:-}" ]; then
    # The same builds as the session's, one after the other, without the session.
    cargo run --quiet -p workbook -- list >/dev/null 2>&1
    map=$((SECONDS - started))
    local book_at check_at
    build_book() { cargo build --quiet -p workbook-book >/dev/null 2>&1; book_at=$((SECONDS - started)); }
    check() { cargo run --quiet -p workbook -- check "$first" >/dev/null 2>&1 || true; check_at=$((SECONDS - started)); }
    if [ "$ORDER" = book-first ]; then build_book; check; else check; build_book; fi
    printf '%-12s map %4d s   first verdict %4d s   book server built %4d s   load: %s\n' \
      "$ORDER" "$map" "$check_at" "$book_at" "$(uptime | sed 's/.*load average: //')"
    cd "$source_repo"
    return
  fi

  # The session, in a terminal of its own (`script`); its keys from a pipe held open, so that
  # `q` ends it.
  log="$clone.session.log"
  keys="$clone.keys"
  rm -f "$keys"
  mkfifo "$keys"
  exec 3<>"$keys"
  # There before the loop reads it, however soon that is.
  : >"$log"
  script -qfec "cargo run -p workbook" /dev/null <"$keys" >"$log" 2>&1 &
  local session=$!
  map= link= verdict=
  local plain="$clone.session.txt"
  while [ -z "$served" ]; do
    kill -0 "$session" 2>/dev/null || { echo "the session ended; its output: $log" >&2; break; }
    # What the terminal shows, without its colours.
    sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$log" >"$plain"
    if [ -z "$map" ] && grep -q "$(basename "$chapter")" "$plain"; then
      map=$((SECONDS - started))
    fi
    if [ -n "$map" ] && [ -z "$link" ] && [ "$(status "$chapter")" != 000 ]; then
      link=$((SECONDS - started))
    fi
    if [ -z "$verdict" ] && grep -Eq "(✗|✓) $first" "$plain"; then
      verdict=$((SECONDS - started))
    fi
    if [ -n "$link" ]; then
      seen=$(chapter "$chapter" "$title")
      [ -z "$readable" ] && [ -n "$seen" ] && readable=$((SECONDS - started))
      [ "$seen" = book ] && served=$((SECONDS - started))
    fi
    sleep 1
  done
  printf 'q' >&3
  wait "$session" 2>/dev/null || true
  exec 3>&-
  printf 'session    map %4s s   link answers %4s s   chapter readable %4s s   first verdict %4s s   chapter served %4s s   load: %s\n' \
    "${map:--}" "${link:--}" "${readable:--}" "${verdict:--}" "${served:--}" "$(uptime | sed 's/.*load average: //')"
  cd "$source_repo"
}

base="${1:-$(mktemp -d)/course}"
for run in $(seq 1 "$runs"); do
  dir=$base
  [ "$runs" -gt 1 ] && dir="$base-$run"
  one_run "$dir"
done
