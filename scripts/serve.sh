#!/usr/bin/env bash
# Sets everything up and runs the pool: finds Odoo 18 and PostgreSQL, installs the Python
# requirements, creates the database with demo data (first run only) and serves Odoo.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
DB=${POOL_DB:-crm_public_pool}
PORT=${POOL_PORT:-8069}

if ! find_odoo; then
    echo "Cannot start: $ODOO_MISSING" >&2
    exit 1
fi
find_postgres || exit 1
PY=$(install_requirements "$ODOO_PY")
ODOO_ADDONS="$ODOO_ADDONS,$(oca_addons_path "$PY")"

if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "Creating database $DB with the crm_public_pool demo (about two minutes)..."
    "$PY" "$ODOO_BIN" -d "$DB" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
        -i crm_public_pool --stop-after-init --log-level=warn
fi

cat <<MSG
Odoo with crm_public_pool is starting on http://127.0.0.1:$PORT (database $DB)
  salesperson: demo / demo        (owns 9 of 10 allowed customers)
  salesperson: liwei / liwei
  pool admin:  pooladmin / pooladmin
  manager:     admin / admin
Stop with Ctrl+C.
MSG
exec "$PY" "$ODOO_BIN" -d "$DB" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
    --http-interface 127.0.0.1 --http-port "$PORT" --db-filter "^$DB\$"
