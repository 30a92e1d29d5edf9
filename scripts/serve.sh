#!/usr/bin/env bash
# Sets everything up and runs the pool: finds Odoo 18 and PostgreSQL, installs the Python
# requirements, creates the database with demo data (first run only) and serves Odoo.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
DB=${POOL_DB:-crm_public_pool}

port_free() {
    # Nothing listens on 127.0.0.1:$1 (bash's /dev/tcp connects only where a server listens).
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if [ -n "${POOL_PORT:-}" ]; then
    PORT=$POOL_PORT
    if ! port_free "$PORT"; then
        echo "Cannot start: port $PORT (POOL_PORT) is already in use; set POOL_PORT to a free port." >&2
        exit 1
    fi
else
    PORT=""
    for candidate in $(seq 8069 8099); do
        if port_free "$candidate" && port_free "$((candidate + 1000))"; then
            PORT=$candidate
            break
        fi
    done
    if [ -z "$PORT" ]; then
        echo "Cannot start: ports 8069 to 8099 are all in use; set POOL_PORT to a free port." >&2
        exit 1
    fi
    [ "$PORT" = 8069 ] || echo "Port 8069 is in use: serving on $PORT instead (set POOL_PORT to choose)."
fi

if ! find_odoo; then
    echo "Cannot start: $ODOO_MISSING" >&2
    exit 1
fi
find_postgres || exit 1
PY=$(install_requirements "$ODOO_PY")
ODOO_ADDONS="$ODOO_ADDONS,$(oca_addons_path "$PY")"

if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "Creating database $DB with the crm_public_pool demo and 简体中文 (about two minutes)..."
    # The language is loaded here, not by the demo data, and before it: Chen Jing works in it.
    # English comes first: the first language Odoo loads into a new database becomes everyone's
    # language, and the only one active.
    "$PY" "$ODOO_BIN" -d "$DB" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
        -i base --load-language=en_US,zh_CN --stop-after-init --log-level=warn
    "$PY" "$ODOO_BIN" -d "$DB" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
        -i crm_public_pool --stop-after-init --log-level=warn
fi

cat <<MSG
Odoo with crm_public_pool is starting on http://127.0.0.1:$PORT (database $DB)
  salesperson: demo / demo        (owns 9 of 10 allowed customers)
  salesperson: liwei / liwei        (East China team)
  salesperson: chenjing / chenjing  (South China team, Xinda dealer pool; works in 简体中文)
  pool admin:  pooladmin / pooladmin
  manager:     admin / admin
Stop with Ctrl+C.
MSG
exec "$PY" "$ODOO_BIN" -d "$DB" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
    --http-interface 127.0.0.1 --http-port "$PORT" --gevent-port "$((PORT + 1000))" --db-filter "^$DB\$"
