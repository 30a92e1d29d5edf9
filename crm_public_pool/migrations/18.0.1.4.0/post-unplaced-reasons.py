"""Why a customer stayed in the pool (``pool_unplaced_reason``) was stored before 18.0.1.4.0 as text
in the words of whoever ran the distribution, and read back in the reader's language only when it
was one of the fixed reasons. It is now stored with its message (``pool_unplaced_message``): the
fixed reasons, in English or an installed language's translation, get theirs here. A refusal's
text (a member's limit, a pause) was stored as the actor read it and stays as written.
"""

import json

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.translate import code_translations

from odoo.addons.crm_public_pool.models.engine_token import engine_statements

MODULE = "crm_public_pool"
REASONS = (
    "every eligible member is at their customer limit",
    "no eligible member",
    "no row of the region map matches the address",
    "no previous contact is a member with room",
    "every eligible member with room is paused, on leave or archived",
    "it was offered to one person only, who did not accept it",
    "everyone it could go to has declined it or let the time pass",
)


def migrate(cr, version):
    convert(api.Environment(cr, SUPERUSER_ID, {}))


def convert(env):
    """Give the stored fixed reasons their message; return how many customers got one."""
    texts = {source: source for source in REASONS}
    for lang, __ in env["res.lang"].get_installed():
        if lang != "en_US":
            translations = code_translations.get_python_translations(MODULE, lang)
            texts.update({translations[source]: source for source in REASONS if translations.get(source)})
    env["res.partner"].flush_model(["pool_unplaced_reason", "pool_unplaced_message"])
    payloads = {text: json.dumps({"module": MODULE, "source": source, "args": []}) for text, source in texts.items()}
    with engine_statements(env.cr):
        env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET pool_unplaced_message = m.payload::jsonb
                  FROM jsonb_each_text(%s::jsonb) AS m(text, payload)
                 WHERE p.pool_unplaced_reason = m.text AND p.pool_unplaced_message IS NULL
                """,
                json.dumps(payloads),
            )
        )
        count = env.cr.rowcount
    env["res.partner"].invalidate_model(["pool_unplaced_message"])
    return count
