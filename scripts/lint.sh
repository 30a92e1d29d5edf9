#!/usr/bin/env bash
# The lint step of the test command: OCA's pre-commit hooks (.pre-commit-config.yaml) over every
# tracked file: ruff, pylint-odoo, OCA's module and .po checks, prettier for XML/JS/SCSS, the
# whitespace checks and the README.rst of each addon. Hooks that fix files (formatters, README)
# leave the fix in the tree and fail; commit it and run again.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lint-env.sh"
cd "$PROJECT_DIR"
install_lint_tools || { echo "installing the lint tools failed"; exit 1; }
exec "$LINT_VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never "$@"
