#!/usr/bin/env bash
# The mechanical part of the lint step: what the formatters of .pre-commit-config.yaml rewrite on
# their own (ruff --fix and ruff format, prettier on XML/JS/SCSS/YAML/Markdown, OCA's XML header and
# numeric `eval` fixes, trailing whitespace and final newlines, README.rst from readme/). Run it on a
# clean tree after a rebase or merge and commit the result alone, so the reformat can be redone
# instead of merged; then scripts/lint.sh shows what is left to fix by hand.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lint-env.sh"
cd "$PROJECT_DIR"
install_lint_tools || { echo "installing the lint tools failed"; exit 1; }
mapfile -t files < <(git ls-files)
"$LINT_VENV/bin/oca-checks-odoo-module" --fix --no-exit --no-verbose "${files[@]}" >/dev/null 2>&1
# Each fixer works on what the one before it wrote: run the hooks until nothing changes (three passes
# at most), then once more to print what needs a hand.
for _ in 1 2 3; do
    "$LINT_VENV/bin/pre-commit" run --all-files --color=never >/dev/null && break
    git diff --quiet && break
    git add -u
done
git diff --cached --stat | tail -n 1
"$LINT_VENV/bin/pre-commit" run --all-files --color=never
