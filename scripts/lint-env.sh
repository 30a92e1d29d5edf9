# Sourced by lint.sh and format.sh: installs the lint tools from the project's own files, each set
# again only when its pin file changed. Python tools (requirements-lint.txt) go in .venv-lint, apart
# from Odoo's Python (oca-odoo-pre-commit-hooks pins a polib Odoo 18 does not); node tools
# (package.json / package-lock.json) in node_modules with `npm ci`.
# shellcheck shell=bash

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LINT_VENV="$PROJECT_DIR/.venv-lint"

_stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

install_lint_tools() {
    local want
    want=$(_stamp "$PROJECT_DIR/requirements-lint.txt")
    if [ "$(cat "$LINT_VENV/.installed" 2>/dev/null)" != "$want" ]; then
        [ -x "$LINT_VENV/bin/python" ] || "${LINT_PYTHON:-python3}" -m venv "$LINT_VENV" || return 1
        if ! "$LINT_VENV/bin/python" -m pip install -q --disable-pip-version-check \
                -r "$PROJECT_DIR/requirements-lint.txt" >"$LINT_VENV/pip.log" 2>&1; then
            cat "$LINT_VENV/pip.log" >&2
            return 1
        fi
        echo "$want" >"$LINT_VENV/.installed"
    fi
    if ! command -v npm >/dev/null; then
        echo "npm not found: install Node.js 18 or later (Debian: apt-get install nodejs npm)" >&2
        return 1
    fi
    want=$(_stamp "$PROJECT_DIR/package.json" "$PROJECT_DIR/package-lock.json")
    if [ "$(cat "$PROJECT_DIR/node_modules/.installed" 2>/dev/null)" != "$want" ]; then
        (cd "$PROJECT_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
        echo "$want" >"$PROJECT_DIR/node_modules/.installed"
    fi
}
