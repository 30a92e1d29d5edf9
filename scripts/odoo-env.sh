# Sourced by serve.sh and test.sh: finds an Odoo 18 and a PostgreSQL, installs the
# project's Python requirements (and the OCA addons it uses) beside that Odoo. Sets ODOO_BIN,
# ODOO_PY, ODOO_ADDONS, DB_ARGS, or ODOO_MISSING with the reason.
# shellcheck shell=bash

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_MISSING=""

_odoo_python_for() {
    # The interpreter that runs the Odoo tree $1: its own virtualenv, else python3.
    local tree=$1 candidate
    for candidate in "${ODOO_PYTHON:-}" "$tree/.venv/bin/python" "$tree/venv/bin/python" \
                     "$(dirname "$tree")/venv/bin/python" "$(dirname "$tree")/.venv/bin/python" python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if (cd "$tree" && "$candidate" -c "import odoo.release as r, psycopg2, lxml; assert r.version_info[0] == 18") >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

find_odoo() {
    local tree candidates=()
    [ -n "${ODOO_PATH:-}" ] && candidates+=("$ODOO_PATH")
    # An importable odoo (pip-installed, or on PYTHONPATH).
    tree=$(python3 -c "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))" 2>/dev/null) \
        && candidates+=("$tree")
    candidates+=(/opt/odoo /opt/odoo18 /opt/odoo/odoo /opt/odoo18/odoo /usr/lib/python3/dist-packages
                 /odoo "$HOME/odoo" "$HOME/odoo18" "$PROJECT_DIR/../odoo" "$PROJECT_DIR/../odoo18")
    for tree in "${candidates[@]}"; do
        [ -f "$tree/odoo/release.py" ] || continue
        grep -qE "^version_info = \(18, 0" "$tree/odoo/release.py" || continue
        if ODOO_PY=$(_odoo_python_for "$tree"); then
            ODOO_ROOT=$(cd "$tree" && pwd)
            ODOO_BIN="$ODOO_ROOT/odoo-bin"
            [ -f "$ODOO_BIN" ] || ODOO_BIN="$(command -v odoo || true)"
            ODOO_ADDONS="$ODOO_ROOT/addons,$ODOO_ROOT/odoo/addons,$PROJECT_DIR"
            [ -d "$ODOO_ROOT/addons" ] || ODOO_ADDONS="$PROJECT_DIR"
            return 0
        fi
    done
    ODOO_MISSING="no Odoo 18.0 found (set ODOO_PATH to an Odoo 18.0 source tree with its Python dependencies installed)"
    return 1
}

install_requirements() {
    # Into Odoo's own virtualenv when it has one; else into the project's .venv that sees Odoo's packages.
    local py=$1
    if ! "$py" -c "import sys; sys.exit(sys.prefix == sys.base_prefix)"; then
        [ -x "$PROJECT_DIR/.venv/bin/python" ] || "$py" -m venv --system-site-packages "$PROJECT_DIR/.venv" >&2
        py="$PROJECT_DIR/.venv/bin/python"
    fi
    "$py" -m pip install -q --disable-pip-version-check -r "$PROJECT_DIR/requirements.txt" \
        -r "$PROJECT_DIR/requirements-test.txt" >&2 || return 1
    # OCA's wheels require an "odoo" distribution, which a source tree is not: their own
    # dependencies are in requirements.txt, the wheels go in without dependencies.
    "$py" -m pip install -q --disable-pip-version-check --no-deps -r "$PROJECT_DIR/requirements-oca.txt" >&2 || return 1
    echo "$py"
}

oca_addons_path() {
    # Where the OCA wheels put their addons (the odoo/addons namespace of the interpreter $1).
    "$1" -c "import os, sysconfig; print(os.path.join(sysconfig.get_paths()['purelib'], 'odoo', 'addons'))"
}

find_postgres() {
    # PGHOST/PGPORT/PGUSER as given, else the local server; start it if it is installed but down.
    export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
    export PGUSER=${PGUSER:-$( [ "$(id -un)" = postgres ] && echo odoo || id -un)}
    if ! pg_isready -q 2>/dev/null; then
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start >&2 || true
            sleep 2
        fi
    fi
    if ! pg_isready -q 2>/dev/null; then
        echo "PostgreSQL is not reachable at $PGHOST:$PGPORT" >&2
        return 1
    fi
    DB_ARGS=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && DB_ARGS+=(--db_password "$PGPASSWORD")
    return 0
}
