# Shared by the bench scripts: start the release binary on the demo data and wait for it.
#   . bench/lib.sh; start_demo PORT [postgres-url]
# BIN=path runs another build of `sightline` (e.g. the commit before, for a side-by-side run).
# Sets: out (a temporary directory, removed on exit), pid, url, engine, data_args
# (the --data/--database-url arguments for `sightline admin …`).
bin=${BIN:-target/release/sightline}

start_demo() {
  local port=$1
  url=${2:-}
  out=$(mktemp -d)
  local args=(serve --demo --listen "127.0.0.1:$port" --data "$out/data")
  [ -n "$url" ] && args+=(--database-url "$url")
  "$bin" "${args[@]}" >/dev/null 2>&1 &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null; rm -rf "$out"' EXIT
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
  if [ -n "$url" ]; then engine=postgres; else engine=sqlite; fi
  data_args=(--data "$out/data")
  [ -n "$url" ] && data_args+=(--database-url "$url")
  return 0
}

# A signed-in cookie jar for a demo user: sign_in JAR EMAIL PORT
sign_in() {
  local jar=$1 email=$2 port=$3 csrf
  csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=$email" \
    --data-urlencode "password=demo-password-2026" "http://127.0.0.1:$port/login"
}

# Stop the demo server started by start_demo and write N sealed reports into its data
# folder with `sightline demo generate` (the product's group commit): seed_reports N
seed_reports() {
  local n=$1 t0 t1
  kill -TERM "$pid"; wait "$pid" || true
  t0=$(date +%s.%N)
  "$bin" demo generate --reports "$n" "${data_args[@]}" >/dev/null
  t1=$(date +%s.%N)
  echo "seeded $n reports in $(echo "$t1 - $t0" | bc) s; data folder $(du -sh "$out/data" | cut -f1)"
}

# start_demo PORT, then seed_reports N: seeded_demo PORT N
seeded_demo() {
  start_demo "$1"
  seed_reports "$2"
}

# Seconds since the epoch, with nanoseconds (for `bc` differences).
now() { date +%s.%N; }

# Serve the seeded data folder again, its log in $out/serve.log, wait for it and make
# the demo crew's API token: serve_seeded PORT [more serve arguments…]. Sets pid, token.
serve_seeded() {
  local port=$1
  shift
  "$bin" serve --listen "127.0.0.1:$port" "$@" "${data_args[@]}" >/dev/null 2>"$out/serve.log" &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.05; done
  token=$("$bin" admin create-token --email crew@demo-airline.example "${data_args[@]}")
}
