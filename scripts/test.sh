#!/usr/bin/env bash
# Runs every test of the project: the pure-logic tests (pytest), OCA's pre-commit hooks
# (scripts/lint.sh: ruff, pylint-odoo, prettier, README.rst, ...), and the Odoo test suite of every
# addon in a fresh database of a real Odoo 18.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
cd "$PROJECT_DIR"
LOG_DIR=${LOG_DIR:-$PROJECT_DIR/.test-logs/run-$$}
mkdir -p "$LOG_DIR"
passed=0
failed=0
# The addon, its bridges, and through them hr, hr_holidays, sale_crm and account from Odoo's tree
# and OCA queue_job (requirements-oca.txt).
ADDONS=(crm_public_pool crm_public_pool_hr crm_public_pool_hr_holidays crm_public_pool_sale crm_public_pool_account
        crm_public_pool_queue)

if find_odoo; then
    PY=$(install_requirements "$ODOO_PY") || { echo "installing requirements failed"; exit 1; }
    ODOO_ADDONS="$ODOO_ADDONS,$(oca_addons_path "$PY")"
else
    echo "Odoo tests skipped: $ODOO_MISSING"
    [ -x .venv-logic/bin/python ] || python3 -m venv .venv-logic
    .venv-logic/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-test.txt \
        || { echo "installing requirements failed"; exit 1; }
    PY=.venv-logic/bin/python
fi

echo "== pure logic tests (pytest)"
"$PY" -m pytest tests -q -p no:cacheprovider 2>&1 | tee "$LOG_DIR/pytest.log"
pytest_status=${PIPESTATUS[0]}
p=$(grep -oE '[0-9]+ passed' "$LOG_DIR/pytest.log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
f=$(grep -oE '[0-9]+ (failed|error)' "$LOG_DIR/pytest.log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
[ "$pytest_status" -eq 0 ] || [ "${f:-0}" -gt 0 ] || failed=$((failed + 1))

echo "== lint: OCA's pre-commit hooks (ruff, pylint-odoo, OCA module and .po checks, prettier, README.rst)"
if ./scripts/lint.sh >"$LOG_DIR/lint.log" 2>&1; then
    passed=$((passed + 1))
    grep -cE "\.+(Passed|\(no files to check\)Skipped)$" "$LOG_DIR/lint.log" | sed 's/^/  hooks passed or with nothing to check: /'
else
    grep -vE "\.+(Passed|\(no files to check\)Skipped)$" "$LOG_DIR/lint.log" | head -n 200
    echo "lint found problems (scripts/format.sh fixes what a formatter can; log: $LOG_DIR/lint.log)"
    failed=$((failed + 1))
fi

if [ -z "$ODOO_MISSING" ]; then
    if ! find_postgres; then
        echo "Odoo tests failed: no PostgreSQL"
        failed=$((failed + 1))
    else
        db="crm_public_pool_test_$$"
        port=$(( 18069 + RANDOM % 1000 ))
        log="$LOG_DIR/odoo-tests.log"
        echo "== Odoo tests: Odoo at $ODOO_ROOT, database $db (log: $log)"
        if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
            echo "  Browser tour will be skipped: no Chromium found (Debian: apt-get install chromium)"
        fi
        dropdb --if-exists "$db" 2>/dev/null
        "$PY" "$ODOO_BIN" -d "$db" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" \
            -i "$(IFS=,; echo "${ADDONS[*]}")" --test-enable \
            --test-tags "$(printf '/%s,' "${ADDONS[@]}" | sed 's/,$//')" \
            --stop-after-init --http-port "$port" --gevent-port $((port + 1)) \
            --log-level=test --max-cron-threads=0 >"$log" 2>&1
        odoo_status=$?
        dropdb --if-exists "$db" 2>/dev/null
        grep -E "tour succeeded|Chrome|skipped" "$log" | grep -iE "tour succeeded|not found|skip" | cut -c1-200 | sed 's/^/  /' | head -n 40
        # Every test method of a file that starts tours runs one; Odoo skips them silently without
        # Chromium or websocket-client, so where Chromium is installed each must have succeeded.
        tours_expected=$(grep -l "start_tour(" crm_public_pool*/tests/*.py | xargs grep -hcE "^    def test_" | awk '{s+=$1} END {print s+0}')
        tours_done=$(grep -c "tour succeeded" "$log")
        echo "  tours: $tours_done of $tours_expected succeeded"
        if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; then
            if [ "$tours_done" -lt "$tours_expected" ]; then
                echo "  tours did not all run although Chromium is installed"
                failed=$((failed + 1))
            fi
        fi
        grep -oE "(hostile input|generated attacks|cross-model attacks): .*refused" "$log" | sed "s/^/  /"
        problems=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$log")
        summary=$(grep -E "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n 1)
        echo "  ${summary:-no test summary in the log}"
        total=$(echo "$summary" | grep -oE "of [0-9]+ tests" | grep -oE "[0-9]+" || echo 0)
        bad=$(echo "$summary" | grep -oE "^.*[0-9]+ failed, [0-9]+ error" | grep -oE "[0-9]+ (failed|error)" | grep -oE "[0-9]+" | awk '{s+=$1} END {print s+0}')
        if [ -n "$problems" ]; then
            echo "  warnings or errors in the Odoo log:"
            echo "$problems" | cut -c1-400 | sed 's/^/    /' | head -n 40
        fi
        if [ -z "$summary" ] || [ "$odoo_status" -ne 0 ] || [ -n "$problems" ] || [ "${bad:-0}" -gt 0 ]; then
            failed=$((failed + ${bad:-0}))
            [ "${bad:-0}" -gt 0 ] || failed=$((failed + 1))
            passed=$((passed + ${total:-0} - ${bad:-0}))
        else
            passed=$((passed + ${total:-0}))
        fi
    fi
fi

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
