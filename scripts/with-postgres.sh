#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop the cluster and delete it.
#
# Usage: scripts/with-postgres.sh command [args...]
#
# The cluster lives in a temporary directory, listens on 127.0.0.1:54329 only (the next
# free port when another run on this machine holds that one), trusts every local
# connection and holds an empty database xinfang_test; the command sees it as
# DJANGO_DATABASE_URL. initdb refuses to run as root, so under root (as in CI) the server
# runs as the `postgres` user. Durability is switched off: the data is thrown away anyway.
set -euo pipefail

port=54329
database=xinfang_test
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

find_bindir() {
    local dir
    for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [[ -n $dir && -x $dir/initdb && -x $dir/postgres ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! bindir=$(find_bindir); then
    "$here/apt-ensure.sh" postgresql
    bindir=$(find_bindir)
fi

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
    # setpriv execs without forking, so the server stays this script's own child.
    as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xinfang-pg.XXXXXX")
data=$tmp/data
server=

cleanup() {
    local status=$?
    if [[ -n $server ]] && kill -0 "$server" 2>/dev/null; then
        kill -INT "$server" # fast shutdown: roll back open transactions, close connections
    fi
    # Reaping the server here, rather than leaving it to init, leaves no zombie behind.
    [[ -z $server ]] || wait "$server" 2>/dev/null || true
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[[ ${#as_owner[@]} -eq 0 ]] || chown postgres: "$tmp"

while (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
done

if ! "${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >"$tmp/initdb.log" 2>&1; then
    cat "$tmp/initdb.log" >&2
    exit 1
fi

"${as_owner[@]}" "$bindir/postgres" -D "$data" -c listen_addresses=127.0.0.1 -p "$port" \
    -k "$tmp" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    # Ask through this server's own socket: another server may already hold the port.
    "$bindir/pg_isready" -q -h "$tmp" -p "$port" && break
    if ! kill -0 "$server" 2>/dev/null; then
        cat "$tmp/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
"$bindir/createdb" -h "$tmp" -p "$port" -U postgres "$database"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data"

export DJANGO_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$database"
"$@"
