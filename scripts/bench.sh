#!/usr/bin/env bash
# Runs one benchmark of bench/ with the Odoo and PostgreSQL the other scripts find:
#   ./scripts/bench.sh report.py --customers 1000000
#   ./scripts/bench.sh bench_duplicates.py --db bench_dup --size 1000000
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
if [ $# -lt 1 ] || [ ! -f "$PROJECT_DIR/bench/$1" ]; then
    echo "usage: $0 SCRIPT [ARGS...] with SCRIPT one of: $(cd "$PROJECT_DIR/bench" && ls ./*.py | xargs -n1 basename | tr '\n' ' ')" >&2
    exit 2
fi
find_odoo || { echo "Cannot run: $ODOO_MISSING" >&2; exit 1; }
find_postgres || exit 1
PY=$(install_requirements "$ODOO_PY")
script=$1
shift
cd "$PROJECT_DIR/bench"
exec "$PY" "$script" --odoo "$ODOO_ROOT" --db_host "$PGHOST" --db_user "$PGUSER" "$@"
