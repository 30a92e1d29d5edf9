#!/usr/bin/env bash
# Exports crm_public_pool.pot from a fresh database with the addon installed, and merges it into
# zh_CN.po (new strings come in untranslated, vanished ones become obsolete). Translate the new
# entries of zh_CN.po, then regenerate zh_TW.po with scripts/make_zh_tw.py.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/odoo-env.sh"
find_odoo || { echo "Cannot export: $ODOO_MISSING" >&2; exit 1; }
find_postgres || exit 1
PY=$(install_requirements "$ODOO_PY")
I18N="$PROJECT_DIR/crm_public_pool/i18n"
db="crm_public_pool_i18n_$$"
trap 'dropdb --if-exists "$db" 2>/dev/null' EXIT
"$PY" "$ODOO_BIN" -d "$db" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" -i crm_public_pool \
    --stop-after-init --log-level=warn
"$PY" "$ODOO_BIN" -d "$db" "${DB_ARGS[@]}" --addons-path="$ODOO_ADDONS" --modules=crm_public_pool \
    --i18n-export="$I18N/crm_public_pool.pot" --language= --stop-after-init --log-level=warn
msgmerge --quiet --no-fuzzy-matching --update --backup=none "$I18N/zh_CN.po" "$I18N/crm_public_pool.pot"
echo "Untranslated in zh_CN.po: $(msgattrib --untranslated --no-obsolete "$I18N/zh_CN.po" | grep -c '^msgid ' || true)"
