#!/usr/bin/env bash
# What a newcomer waits for, measured on a fresh clone: the course map, the first verdict,
# the book, and then each lesson's first check after the one before and its check after a
# save (the edit → verdict loop); and what each lesson compiles beyond the lessons before it.
#
#   scripts/first-verdict.sh            a clone of this checkout's HEAD in a temporary folder
#   scripts/first-verdict.sh DIR        the clone in DIR (kept afterwards)
#   scripts/first-verdict.sh --packages only the packages table (no clone, no build)
#   FIRST_ONLY=1 scripts/first-verdict.sh   the three first moments, not each lesson's check
#   AHEAD=1 scripts/first-verdict.sh        each lesson's chapter opened in the book's server
#                                           first, and its build ahead waited for, before
#                                           its first check (a reader who read the chapter)
#   THERE=1 scripts/first-verdict.sh DIR    each lesson started there: the clone as it is when
#                                           the book was first served, then that lesson's
#                                           first check; the clone is put back between lessons
#   THERE=1 AHEAD=1 scripts/first-verdict.sh DIR   the same, the lesson's chapter opened in
#                                           the book's server for at most five minutes first
#                                           (its build ahead waited for)
#
# Run it on a quiet machine with cargo's registry already downloaded (`cargo fetch`): the
# times are then the builds' own. The clone starts with no target/ folder, as a learner's.
set -euo pipefail
cd "$(dirname "$0")/.."

# The lessons in course order, by package name.
lessons() {
  for dir in lessons/[0-9][0-9]-*/; do
    sed -n 's/^name = "\(l[0-9][0-9]-[a-z-]*\)"$/\1/p' "$dir/Cargo.toml" | head -1
  done
}

# Every package a lesson's build compiles (library, program, tests, build scripts), one a line.
packages_of() {
  cargo tree -p "$1" -e normal,dev,build --prefix none 2>/dev/null | sed 's/ (\*)//' | sort -u
}

packages_table() {
  local seen count new
  seen=$(mktemp)
  printf '%-14s %9s %10s\n' lesson packages "new ones"
  for lesson in $(lessons); do
    packages_of "$lesson" >"$seen.now"
    count=$(wc -l <"$seen.now")
    new=$(comm -13 "$seen" "$seen.now" | wc -l)
    printf '%-14s %9d %10d\n' "$lesson" "$count" "$new"
    sort -u "$seen" "$seen.now" -o "$seen"
  done
  rm -f "$seen" "$seen.now"
}

if [ "${1:-}" = "--packages" ]; then
  packages_table
  exit 0
fi

source_repo=$(pwd)
clone="${1:-$(mktemp -d)/course}"
rm -rf "$clone"
started=$SECONDS
git clone --quiet "$source_repo" "$clone"
cd "$clone"

# The runner's first screen.
cargo run --quiet -p workbook -- list >/dev/null 2>&1
map=$((SECONDS - started))

# The first exercise's verdict on its untouched stub: it fails, which is the point.
first=$(sed -n 's/^id = "\([a-z0-9.-]*\)"$/\1/p' lessons/01-*/lesson.toml | sed -n 2p)
cargo run --quiet -p workbook -- check "$first" >/dev/null 2>&1 || true
verdict=$((SECONDS - started))

# The book, as the session serves it after that first check: its server (`workbook-book`,
# the book alone) built and started, up when its page answers. scripts/book-first.sh times
# the session itself, its page for the book on its way included.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# serve_book LOG: the book's server started on $port (its pid in book_pid), its output
# into LOG; returns once its pages are made: while it makes them, it answers the chapters
# from their Markdown, and `/__workbook/waiting` says how far (the book itself has no such
# page).
serve_book() {
  cargo run --quiet -p workbook-book -- --port "$port" >"$1" 2>&1 &
  book_pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/__workbook/waiting")" = 404 ]; do
    kill -0 "$book_pid" 2>/dev/null || { echo "the book's server stopped" >&2; exit 1; }
    sleep 1
  done
}
# chapter NUMBER: the page of lesson NUMBER's chapter, named after the lesson's folder.
chapter() { basename "$(dirname "$(ls lessons/"$1"-*/lesson.toml)")"; }
trap 'kill "${book_pid:-}" 2>/dev/null || true' EXIT
serve_book /dev/null
book=$((SECONDS - started))
kill "$book_pid" 2>/dev/null || true

printf '\n%-44s %6s\n' "from git clone to" seconds
printf '%-44s %6d\n' "the course map (workbook list)" "$map"
printf '%-44s %6d\n' "the first verdict (workbook check $first)" "$verdict"
printf '%-44s %6d\n' "the book served" "$book"

# Each lesson started there: a learner who opens the book at that lesson's chapter, reads it
# (five minutes at most, or until nothing more is built ahead), then checks the lesson. The
# clone is the one the book was first served from; its target folder is put back as it was
# then before each lesson, so that no lesson finds another's build.
if [ -n "${THERE:-}" ]; then
  rm -rf ../target-served
  cp -a target ../target-served
  printf '\n%-14s %9s %9s\n' lesson "ahead" "1st check"
  for lesson in $(lessons); do
    number=${lesson:1:2}
    rm -rf target
    cp -a ../target-served target
    ahead=-
    if [ -n "${AHEAD:-}" ]; then
      serve_book "$clone/../book-$number.log"
      before=$SECONDS
      curl -fsS -o /dev/null "http://127.0.0.1:$port/$(chapter "$number").html"
      # Five minutes of reading at most: a check then stops what is still being built ahead.
      timeout 300 flock target/workbook-ahead.lock true || true
      ahead="$((SECONDS - before)) s"
    fi
    before=$SECONDS
    cargo run --quiet -p workbook -- check "$number" >/dev/null 2>&1 || true
    printf '%-14s %9s %7d s\n' "$lesson" "$ahead" "$((SECONDS - before))"
    if [ -n "${AHEAD:-}" ]; then
      kill "$book_pid" 2>/dev/null || true
      wait "$book_pid" 2>/dev/null || true
    fi
  done
  exit 0
fi

# Each lesson's first check, after the lesson before it: a learner's way through the course.
if [ -n "${FIRST_ONLY:-}" ]; then
  echo
  packages_table
  exit 0
fi
# Then the loop a learner lives in: save the lesson's first exercise (one line more) and check
# it again; a time with milliseconds, as the goal is seconds.
now() { date +%s.%N; }
# With AHEAD, the book's server stays up and each chapter is opened before its lesson's first
# check: the server builds ahead while the learner reads, holding target/workbook-ahead.lock
# while it builds; `flock` waits for the lock, which is the time the chapter must be read for.
if [ -n "${AHEAD:-}" ]; then
  serve_book "$clone/../book.log"
fi
printf '\n%-14s %9s %9s %12s\n' lesson "ahead" "1st check" "after a save"
for lesson in $(lessons); do
  number=${lesson:1:2}
  ahead=-
  if [ -n "${AHEAD:-}" ]; then
    before=$SECONDS
    curl -fsS -o /dev/null "http://127.0.0.1:$port/$(chapter "$number").html"
    flock target/workbook-ahead.lock true
    ahead="$((SECONDS - before)) s"
  fi
  before=$SECONDS
  cargo run --quiet -p workbook -- check "$number" >/dev/null 2>&1 || true
  first_check=$((SECONDS - before))
  toml=$(ls lessons/"$number"-*/lesson.toml)
  exercise=$(sed -n 's/^id = "\([a-z0-9-]*\.[a-z0-9.-]*\)"$/\1/p' "$toml" | head -1)
  file="$(dirname "$toml")/$(sed -n 's/^file = "\(.*\)"$/\1/p' "$toml" | head -1)"
  echo "// saved" >>"$file"
  saved=$(now)
  cargo run --quiet -p workbook -- check "$exercise" >/dev/null 2>&1 || true
  loop=$(echo "$(now) - $saved" | bc)
  git checkout --quiet -- "$file"
  printf '%-14s %9s %7d s %10.1f s\n' "$lesson" "$ahead" "$first_check" "$loop"
done

echo
packages_table
