#!/usr/bin/env bash
# Exports the translation template of every addon of the project from a fresh database with all of
# them installed, and merges it into the addon's zh_CN.po (new strings come in untranslated, vanished
# ones become obsolete). Translate the new entries of each zh_CN.po, then regenerate the zh_TW.po files
# with scripts/make_zh_tw.py.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
find_odoo || { echo "Cannot export: $ODOO_MISSING" >&2; exit 1; }
find_postgres || exit 1
PY=$(install_requirements "$ODOO_PY")
ODOO_ADDONS="$ODOO_ADDONS,$(oca_addons_path "$PY")"
MODULES=(crm_public_pool crm_public_pool_hr crm_public_pool_hr_holidays crm_public_pool_sale crm_public_pool_account
         crm_public_pool_queue)
db="crm_public_pool_i18n_$$"
trap 'dropdb --if-exists "$db" 2>/dev/null' EXIT
"$PY" "$ODOO_BIN" -d "$db" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" -i "$(IFS=,; echo "${MODULES[*]}")" \
    --stop-after-init --log-level=warn
for module in "${MODULES[@]}"; do
    I18N="$PROJECT_DIR/$module/i18n"
    mkdir -p "$I18N"
    "$PY" "$ODOO_BIN" -d "$db" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" --modules="$module" \
        --i18n-export="$I18N/$module.pot" --language= --stop-after-init --log-level=warn
    if ! grep -q '^msgid "[^"]' "$I18N/$module.pot"; then
        rm -f "$I18N/$module.pot"
        continue
    fi
    if [ ! -f "$I18N/zh_CN.po" ]; then
        sed -e 's/^"Language-Team: \\n"$/&\n"Language: zh_CN\\n"/' "$I18N/$module.pot" >"$I18N/zh_CN.po"
    fi
    msgmerge --quiet --no-fuzzy-matching --update --backup=none "$I18N/zh_CN.po" "$I18N/$module.pot"
    echo "$module: untranslated in zh_CN.po: $(msgattrib --untranslated --no-obsolete "$I18N/zh_CN.po" | grep -c '^msgid ' || true)"
done
