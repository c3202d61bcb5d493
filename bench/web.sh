#!/bin/sh
# Web benchmark: wrk on the matrix page (GET /) and on /api/v1/matrix of `cvom serve` over a
# 10,000-account portfolio, then nginx serving the same bytes as static files under the same
# load, with the ratio. Everything stays on 127.0.0.1. Exits 1 when a target is not met, or
# when wrk, cvom serve or nginx did not give a measurement. See README.md.
#   usage: bench/web.sh BUILD_DIR   (a release build; WEB_BENCH_ACCOUNTS, _SECONDS (of each
#                                    run), _ROUNDS, _CONNECTIONS, _THREADS (wrk's) change the
#                                    run, and WEB_BENCH_SERVE_THREADS the server's threads)
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cvom=$build/cvom
accounts=${WEB_BENCH_ACCOUNTS:-10000}
seconds=${WEB_BENCH_SECONDS:-5}
rounds=${WEB_BENCH_ROUNDS:-3}
conns=${WEB_BENCH_CONNECTIONS:-64}
threads=${WEB_BENCH_THREADS:-2}
serve_threads=${WEB_BENCH_SERVE_THREADS:-}

if [ ! -x "$cvom" ]; then
    echo "bench/web: $cvom is missing; build first (ninja -C $1)" >&2
    exit 1
fi
missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
[ -x "$nginx" ] || missing="$missing nginx-light"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v psql >/dev/null 2>&1 || missing="$missing postgresql-client"
if [ -n "$missing" ]; then
    echo "bench/web: needs the Debian packages:$missing (scripts/setup.sh installs them)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvom-webbench.XXXXXX")
server_pid=""
nginx_pid=""
cleanup() {
    # Only the processes this script started, by their ids.
    for pid in $server_pid $nginx_pid; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $server_pid $nginx_pid; do
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    [ -z "${pgdir:-}" ] || python3 "$root/tests/pg/pgcluster.py" stop "$pgdir" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db=$tmp/bench.db
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
say() { printf 'bench/web: %s\n' "$*" >&2; }

# ---- the portfolio, through public commands -----------------------------------------------------

t0=$(date +%s)
"$cvom" --db "$db" init >/dev/null
"$cvom" --db "$db" instrument show --format csv | tail -n +2 | cut -d, -f1 >"$tmp/items.txt"
today=$(date -u +%Y-%m-%d)
# Accounts with an owner, industry, region, revenue and tags; three stakeholders each with
# their influence; every stakeholder answers every item around the account's own position, so
# all four quadrants and some borderline points appear. Deterministic (srand(42)).
awk -v n="$accounts" -v today="$today" -v dir="$tmp" '
BEGIN {
    srand(42)
    split("Priya Shah,Sam Okafor,Tom Becker,Lena Fischer,Alex Morgan,Ines Duarte,Kai Weber,Mara Lind", owner, ",")
    split("Telecom,Retail,Banking,Health,Energy,Transport,Food & beverage,Engineering", ind, ",")
    split("France,Benelux,Iberia,Nordics,DACH,UK & Ireland,Italy,Poland", reg, ",")
    split("key,strategic,local,public-sector,growth", tag, ",")
    while ((getline item < (dir "/items.txt")) > 0) items[++ni] = item
    acc = dir "/accounts.csv"; sth = dir "/stakeholders.csv"; rsp = dir "/responses.csv"
    print "external_id,name,owner,industry,region,revenue,potential,currency,tags" > acc
    print "account,external_id,name,role,influence,stance" > sth
    print "account_id,respondent_id,item_id,score,date" > rsp
    for (a = 1; a <= n; a++) {
        ext = sprintf("B-%06d", a)
        rev = int(20000 + rand() * rand() * 2000000)
        printf "%s,Bench Account %06d,%s,%s,%s,%d,%d,EUR,%s\n", ext, a, owner[1 + a % 8],
            ind[1 + int(rand() * 8)], reg[1 + int(rand() * 8)], rev, int(rev * (1 + rand())),
            tag[1 + int(rand() * 5)] > acc
        bi = 1 + rand() * 6; be = 1 + rand() * 6
        for (s = 1; s <= 3; s++) {
            sid = ext "-" s
            printf "%s,%s,Person %d of %s,Decision maker,%.2f,neutral\n", ext, sid, s, ext,
                0.3 + rand() * 0.7 > sth
            for (i = 1; i <= ni; i++) {
                # price-primacy items are reverse-coded against both axes
                pre = substr(items[i], 1, 3)
                base = pre == "EMO" ? be : pre == "PRC" ? 8 - (bi + be) / 2 : bi
                v = int(base + (rand() - 0.5) * 3 + 0.5)
                if (v < 1) v = 1
                if (v > 7) v = 7
                printf "%s,%s,%s,%d,%s\n", ext, sid, items[i], v, today > rsp
            }
        }
    }
}'
"$cvom" --db "$db" import accounts "$tmp/accounts.csv" --quiet
"$cvom" --db "$db" import stakeholders "$tmp/stakeholders.csv" --quiet
"$cvom" --db "$db" import responses "$tmp/responses.csv" --quiet
"$cvom" --db "$db" score >/dev/null
echo "quiet lantern harbour 58" | "$cvom" --db "$db" user add bench --role admin \
    --display "Bench Admin" --password-stdin >/dev/null
token=$("$cvom" --db "$db" token create bench --user bench)
t1=$(date +%s)
rows=$(($(wc -l <"$tmp/responses.csv") - 1))
say "portfolio of $accounts accounts ($rows answers) built in $((t1 - t0)) s"

# ---- the same portfolio on PostgreSQL -----------------------------------------------------------

# A throwaway cluster of this run's own (its server may run as another user: pgcluster.py),
# the portfolio copied into it, and statistics gathered as a DBA would after a bulk load.
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/cvom-pg-XXXXXX")
base=$(python3 "$root/tests/pg/pgcluster.py" start "$pgdir") || {
    say "could not start a PostgreSQL cluster"
    exit 1
}
pg=$(echo "$base" | sed 's/dbname=postgres/dbname=webbench/')
psql -X -q -d "$base" -c "CREATE DATABASE webbench"
"$cvom" migrate --from "$db" --to "$pg" >"$tmp/migrate.log" 2>&1 || {
    cat "$tmp/migrate.log" >&2
    say "could not copy the portfolio to PostgreSQL"
    exit 1
}
psql -X -q -d "$pg" -c "VACUUM ANALYZE"

# wrk prints one line from this script: requests/s, p50 and p99 in ms, responses, answers
# with a status of 400 or more, socket errors, bytes per response, and the socket errors by
# kind (connect/read/write/timeout).
cat >"$tmp/report.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d %.0f %d/%d/%d/%d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, summary.requests, e.status,
        e.connect + e.read + e.write + e.timeout,
        summary.requests > 0 and summary.bytes / summary.requests or 0,
        e.connect, e.read, e.write, e.timeout))
end
EOF

# head_bytes PORT PATH [HEADER]: the size of the status line and headers of one 200 answer
# to the request wrk sends, so that the bytes wrk counts per response can be told apart from
# the body.
head_bytes() {
    python3 - "$@" <<'EOF'
import socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
extra = "".join(h + "\r\n" for h in sys.argv[3:])
s = socket.create_connection(("127.0.0.1", port), 30)
s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" % (path, port, extra)).encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
s.close()
if b"\r\n\r\n" not in data or data.split(b" ", 2)[1:2] != [b"200"]:
    sys.exit("GET %s: no 200 answer: %r" % (path, data[:80]))
print(data.index(b"\r\n\r\n") + 4)
EOF
}

# run NAME ROUND PORT PATH [HEADER]: a 1 s warm-up, then the measured run; appends a result
# line (the name, the round, wrk's figures and the size of the headers), or "NAME FAILED"
# when there is no measurement.
run() {
    what=$1
    round=$2
    url=http://127.0.0.1:$3$4
    head=$(head_bytes "$3" "$4" ${5:+"$5"}) || head=""
    shift 4
    set -- ${1:+-H} ${1:+"$1"}
    wrk -t"$threads" -c"$conns" -d1s "$@" "$url" >/dev/null 2>&1 || true
    out=$(wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 5s -s "$tmp/report.lua" "$@" \
        "$url" 2>&1) || true
    line=$(echo "$out" | grep '^RESULT' || true)
    if [ -z "$line" ] || [ -z "$head" ]; then
        say "no measurement of $url:"
        echo "$out" >&2
        echo "$what FAILED" >>"$tmp/results"
        return 0
    fi
    echo "$what $round ${line#RESULT } $head" >>"$tmp/results"
}

# start NAME LOCATION: cvom serve on the database at LOCATION, its port in port-NAME. Signs
# in and saves both answers in www-NAME, and the session cookie in cookie-NAME.
start() {
    name=$1
    www=$tmp/www-$1
    rm -f "$tmp/port"
    # wrk is one address with $conns connections, and when the machine is busy the server
    # may not yet have seen the warm-up's connections close when the measured run opens its
    # own: at the default limit per address (64) it then refused some ("Server reached
    # connection limit" in its log), which wrk counted as read errors. Twice as many leaves
    # room for that overlap; the limit is the server's own defence, which the benchmark does
    # not measure (tests/scripts/web_flood.py checks that it refuses the connection past it).
    "$cvom" --db "$2" serve --listen 127.0.0.1:0 --port-file "$tmp/port" \
        --max-per-address $((2 * conns)) ${serve_threads:+--threads "$serve_threads"} \
        >"$tmp/serve-$name.log" 2>&1 &
    pid=$!
    server_pid="$server_pid $pid"
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 200 ]; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
    if [ ! -s "$tmp/port" ]; then
        say "cvom serve did not start on $name:"
        cat "$tmp/serve-$name.log" >&2
        exit 1
    fi
    mv "$tmp/port" "$tmp/port-$name"
    mkdir -p "$www/api/v1"
    python3 "$here/web_signin.py" "$(cat "$tmp/port-$name")" "$www" "$token" \
        >"$tmp/cookie-$name" || : >"$tmp/cookie-$name"
}

# measure NAME ROUND: wrk on the page and on the API of server NAME. Nothing changes
# meanwhile, so cvom answers from its cache.
measure() {
    port=$(cat "$tmp/port-$1")
    if [ "$1" = nginx ]; then
        www=$tmp/www
        cookie=""
        bearer=""
    else
        www=$tmp/www-$1
        cookie=$(cat "$tmp/cookie-$1")
        bearer="Authorization: Bearer $token"
    fi
    if [ -s "$www/index.html" ] && { [ -n "$cookie" ] || [ "$1" = nginx ]; }; then
        run "$1-page" "$2" "$port" / ${cookie:+"Cookie: $cookie"}
    fi
    if [ -s "$www/api/v1/matrix" ]; then
        run "$1-api" "$2" "$port" /api/v1/matrix ${bearer:+"$bearer"}
    fi
}

: >"$tmp/results"
: >"$tmp/fresh"
start sqlite "$db"
start pg "$pg"
# nginx serves what the server on SQLite answered.
cp -R "$tmp/www-sqlite" "$tmp/www"

# ---- nginx with the same bytes --------------------------------------------------------------------

nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx/tmp"
# Workers drop to an unprivileged user when started as root: let them read the files.
chmod 755 "$tmp" "$tmp/www" "$tmp/www/api" "$tmp/www/api/v1"
chmod 644 "$tmp/www/index.html" "$tmp/www/api/v1/matrix" 2>/dev/null || true
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/tmp/body;
    proxy_temp_path $tmp/nginx/tmp/proxy;
    fastcgi_temp_path $tmp/nginx/tmp/fastcgi;
    uwsgi_temp_path $tmp/nginx/tmp/uwsgi;
    scgi_temp_path $tmp/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nport;
        root $tmp/www;
        location = / { default_type "text/html; charset=utf-8"; try_files /index.html =404; }
        location = /api/v1/matrix { default_type application/json; try_files /api/v1/matrix =404; }
    }
}
EOF
"$nginx" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" \
    >"$tmp/nginx/out.log" 2>&1 &
nginx_pid=$!
i=0
until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $nport), 1)" \
    2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 "$nginx_pid" 2>/dev/null; then
        say "nginx did not start:"
        cat "$tmp/nginx/out.log" "$tmp/nginx/error.log" >&2 2>/dev/null || true
        exit 1
    fi
    sleep 0.05
done
echo "$nport" >"$tmp/port-nginx"

# ---- the rounds -----------------------------------------------------------------------------------

# This machine changes speed for minutes at a time, so that one run of each server could
# see another machine than the next. The three servers therefore take turns, round by round,
# and the table gives each figure's median over the rounds, with every round's p99.
r=1
while [ $r -le "$rounds" ]; do
    for name in sqlite pg nginx; do
        measure "$name" "$r"
    done
    r=$((r + 1))
done
kill "$nginx_pid" 2>/dev/null || true
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=""

# Then the first request after a change of the data (bench/web_fresh.py) on each cvom server.
for name in sqlite pg; do
    location=$db
    [ "$name" = pg ] && location=$pg
    python3 "$here/web_fresh.py" "$cvom" "$location" "$(cat "$tmp/port-$name")" \
        "$(cat "$tmp/cookie-$name")" "$token" "$name" >>"$tmp/fresh" ||
        echo "$name-fresh FAILED" >>"$tmp/fresh"
done
for pid in $server_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
done
server_pid=""

# ---- the table ----------------------------------------------------------------------------------

page_bytes=$(wc -c <"$tmp/www/index.html" 2>/dev/null || echo 0)
api_bytes=$(wc -c <"$tmp/www/api/v1/matrix" 2>/dev/null || echo 0)
awk -v accounts="$accounts" -v seconds="$seconds" -v rounds="$rounds" -v conns="$conns" \
    -v threads="$threads" -v page_bytes="$page_bytes" -v api_bytes="$api_bytes" \
    -v cores="$(nproc)" -v load="$load" '
function mark(ok) { if (!ok) missed++; return ok ? "met" : "NOT MET" }
# The median of the numbers in the space-separated list l.
function median(l,    v, k, i, j, t) {
    k = split(l, v, " ")
    for (i = 2; i <= k; i++)
        for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
            t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
        }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
$2 == "FAILED" { failed[$1] = 1; next }
$1 ~ /-fresh$/ { fresh[$1] = 1; api_first[$1] = $2; api_cached[$1] = $3; page_first[$1] = $4
                 page_cached[$1] = $5; next }
{ k = $1; runs[k]++; rps_l[k] = rps_l[k] " " $3; p50_l[k] = p50_l[k] " " $4
  p99_l[k] = p99_l[k] " " $5; p99_shown[k] = p99_shown[k] " " sprintf("%.1f", $5)
  n[k] += $6; bad[k] += $7; err[k] += $8
  body = $9 - $11
  if (!(k in least) || body < least[k]) least[k] = body
  if ($8 > 0) kinds_of[k] = kinds_of[k] " " $10 }
# Whether every answer of every round was whole: no socket error, no status of 400 or more,
# and on average at least the saved body per response once the headers are taken off.
function complete(key, size) {
    return runs[key] == rounds && !(key in failed) && n[key] > 0 && bad[key] == 0 &&
        err[key] == 0 && least[key] >= size
}
END {
    printf "cvom serve: web benchmark (%d accounts, wrk %d rounds of %d s, %d connections, %d threads, %d cores)\n",
        accounts, rounds, seconds, conns, threads, cores
    printf "  load average before the run: %s (other work on the machine skews every figure)\n",
        load
    printf "  req/s, p50 and p99: medians over the rounds; responses, >=400 and errors: totals\n"
    printf "  %-18s %-11s %10s %9s %9s %10s %8s %8s %10s  %s\n", "request", "server", "req/s",
        "p50 ms", "p99 ms", "responses", ">=400", "errors", "body/resp", "p99 by round"
    split("page api", kinds, " ")
    split("sqlite pg nginx", servers, " ")
    shown["sqlite"] = "cvom/SQLite"; shown["pg"] = "cvom/PgSQL"; shown["nginx"] = "nginx"
    label["page"] = "GET /"; label["api"] = "GET /api/v1/matrix"
    size["page"] = page_bytes; size["api"] = api_bytes
    for (k = 1; k <= 2; k++) {
        kd = kinds[k]
        for (s = 1; s <= 3; s++) {
            key = servers[s] "-" kd
            if (!(key in runs) || key in failed) {
                printf "  %-18s %-11s not measured (%s)\n", label[kd], shown[servers[s]],
                    key in failed ? "no result from wrk" : "no 200 answer from cvom serve"
                continue
            }
            rps[key] = median(rps_l[key]); p99[key] = median(p99_l[key])
            printf "  %-18s %-11s %10.0f %9.2f %9.2f %10d %8d %8d %10.0f %s%s\n", label[kd],
                shown[servers[s]], rps[key], median(p50_l[key]), p99[key], n[key], bad[key],
                err[key], least[key], p99_shown[key],
                (err[key] > 0 ? "  (connect/read/write/timeout" kinds_of[key] ")" : "")
        }
        for (s = 1; s <= 2; s++)
            if ((servers[s] "-" kd) in rps && rps["nginx-" kd] > 0)
                printf "  %-18s body %d bytes; %s/nginx throughput %.2f\n", "", size[kd],
                    shown[servers[s]], rps[servers[s] "-" kd] / rps["nginx-" kd]
    }
    printf "  the first request after a change of the data, and the next (ms, median of 5)\n"
    printf "  %-18s %-11s %10s %9s\n", "request", "server", "first", "cached"
    for (s = 1; s <= 2; s++) {
        f = servers[s] "-fresh"
        if (!(f in fresh)) {
            printf "  %-18s %-11s not measured\n", "", shown[servers[s]]
            continue
        }
        printf "  %-18s %-11s %10.2f %9.2f\n", label["api"], shown[servers[s]], api_first[f],
            api_cached[f]
        printf "  %-18s %-11s %10.2f %9.2f\n", label["page"], shown[servers[s]], page_first[f],
            page_cached[f]
    }
    printf "targets (at %d connections)\n", conns
    for (k = 1; k <= 2; k++) {
        kd = kinds[k]
        # nginx is the yardstick: a run of it with errors or short answers makes the ratio
        # meaningless.
        printf "  %-18s %-11s answered completely          %s\n", label[kd], "nginx",
            mark(complete("nginx-" kd, size[kd]))
        for (s = 1; s <= 2; s++) {
            key = servers[s] "-" kd
            who = shown[servers[s]]
            if (!(key in rps) || !(("nginx-" kd) in rps)) {
                printf "  %-18s %-11s NOT MET: not measured\n", label[kd], who
                missed++
                continue
            }
            ratio = rps["nginx-" kd] > 0 ? rps[key] / rps["nginx-" kd] : 0
            printf "  %-18s %-11s throughput >= 1/2 of nginx   %s\n", label[kd], who,
                mark(ratio >= 0.5)
            printf "  %-18s %-11s p99 < 20 ms                  %s\n", label[kd], who,
                mark(p99[key] < 20)
            printf "  %-18s %-11s every answer complete        %s\n", label[kd], who,
                mark(complete(key, size[kd]))
        }
    }
    for (s = 1; s <= 2; s++)
        if (!((servers[s] "-fresh") in fresh)) {
            printf "  first request after a change on %s: NOT MET: not measured\n",
                shown[servers[s]]
            missed++
        }
    exit (missed > 0)
}' "$tmp/results" "$tmp/fresh"
