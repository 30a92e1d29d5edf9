"""The pool's chatter lines and audit notes written before 18.0.1.2.0 as text in the actor's
language get their message and values (``mail_message.pool_message``,
``crm_public_pool_log.note_message``), so that each reader reads them in their own language.

Only texts that are exactly one of the pool's messages (in English or in an installed
language's translation) are converted; anything else stays as written.
"""

import html
import json
import logging
import re

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import code_translations, get_translation

_logger = logging.getLogger(__name__)

MODULE = "crm_public_pool"
# The messages the pool wrote on a customer's chatter (the sources of its _lt() calls).
MESSAGES = [
    "%(user)s appealed a registration of %(name)s",
    "%(user)s asked to claim this customer",
    "Accepted by %s",
    "Appeal of %(user)s's registration of %(name)s rejected",
    "Archived by %s",
    "Archived by the clean-up of pool %(pool)s: marked invalid",
    "Assigned to %(to)s by %(by)s",
    "Claim request of %(user)s rejected by %(reviewer)s",
    "Claimed by %s",
    "Created in pool %s",
    "Created, owned by %s",
    "Declined by %(old)s: back in pool %(pool)s",
    "Declined by %(old)s; assigned to %(to)s",
    "Deleted by %s",
    "Handed over from %(old)s to %(to)s (departure)",
    "Locked as a key customer by %s",
    "Merged by %s",
    "Moved from pool %(old)s to %(new)s",
    "Not accepted in time by %(old)s: back in pool %(pool)s",
    "Not accepted in time by %(old)s; assigned to %(to)s",
    "Registered by %s",
    "Released to pool %(pool)s by %(user)s: %(reason)s",
    "Restored to pool %(pool)s by %(user)s",
    "Returned to pool %(pool)s: %(old)s left",
    "Returned to pool %s: registration protection expired",
    "Transferred from %(old)s to %(to)s by %(by)s",
    "Unlocked by %s",
]
# Notes the pool wrote in the audit log.
NOTES = [
    "registration protection expired",
    "Claim request approved by %s",
    "Registration appeal approved by %s",
]
# What a recycle rule wrote after its name ("<rule>: no follow-up for 45 days, limit 30").
RULE_NOTES = [
    "no follow-up for %(days)s days, limit %(limit)s",
    "no new opportunity for %(days)s days, limit %(limit)s",
    "no opportunity won in %(days)s days since the claim, limit %(limit)s",
    "won revenue %(revenue)s in the last %(days)s days, below %(limit)s",
    "matches the filter %(domain)s",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s")
BATCH = 5000


def _pattern(text):
    """A regular expression of ``text`` whose placeholders capture their values."""
    parts, position, index = [], 0, 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(re.escape(html.escape(text[position : match.start()], quote=False)))
        parts.append(f"(?P<{match.group(1)}>.+?)" if match.group(1) else f"(?P<_{index}>.+?)")
        index += 0 if match.group(1) else 1
        position = match.end()
    parts.append(re.escape(html.escape(text[position:], quote=False)))
    return "".join(parts)


def _compile(sources, langs):
    compiled = []
    for source in sources:
        for lang in langs:
            text = source if lang == "en_US" else code_translations.get_python_translations(MODULE, lang).get(source)
            if text:
                compiled.append(
                    (source, re.compile(r"^(?:<p>)?" + _pattern(text) + r"(?:<br/?>(?P<__note>.*?))?(?:</p>)?$", re.S))
                )
    return compiled


def _payload(source, match):
    values = {key: html.unescape(value) for key, value in match.groupdict().items() if value is not None}
    note = values.pop("__note", None)
    positional = sorted((key for key in values if key.startswith("_")), key=lambda key: int(key[1:]))
    args = [values[key] for key in positional] if positional else values
    payload = {"module": MODULE, "source": source, "args": args}
    if note:
        payload["note"] = note
    return payload


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    # The audit log refuses every change (crm_public_pool_log.py), and the upgrade has put its
    # guard in place before this script runs: it is lifted while the notes get their message
    # and values, which changes nothing they say, and put back after.
    Log = env["crm.public.pool.log"]
    Log._drop_immutability_guard()
    try:
        _convert(env, cr)
    finally:
        Log._create_immutability_guard()


def _convert(env, cr):
    langs = [code for code, _name in env["res.lang"].get_installed()]
    messages = _compile(MESSAGES, langs)
    converted = last_id = 0
    while True:
        cr.execute(
            """
            SELECT id, body FROM mail_message
             WHERE model = 'res.partner' AND message_type = 'notification' AND pool_message IS NULL
               AND body IS NOT NULL AND id > %s
             ORDER BY id LIMIT %s
            """,
            [last_id, BATCH],
        )
        rows = cr.fetchall()
        if not rows:
            break
        last_id = rows[-1][0]
        updates = []
        for message_id, body in rows:
            for source, pattern in messages:
                match = pattern.match(body.strip())
                if match:
                    updates.append((json.dumps(_payload(source, match)), message_id))
                    break
        if updates:
            cr.executemany("UPDATE mail_message SET pool_message = %s::jsonb WHERE id = %s", updates)
            converted += len(updates)
    notes = _compile(NOTES, langs)
    cr.execute("SELECT DISTINCT note FROM crm_public_pool_log WHERE note IS NOT NULL AND note_message IS NULL")
    for (note,) in cr.fetchall():
        for source, pattern in notes:
            match = pattern.match(html.escape(note.strip(), quote=False))
            if match and not match.group("__note"):
                cr.execute(
                    "UPDATE crm_public_pool_log SET note_message = %s::jsonb WHERE note = %s AND note_message IS NULL",
                    [json.dumps(_payload(source, match)), note],
                )
                break
    _logger.info("%s chatter lines of the pool now read in each reader's language", converted)
    _rule_notes(cr, langs)
    _registered_until_days(env, langs)
    _rename_demo_rule(env)


def _rename_demo_rule(env):
    """The demo's no-follow-up rule is named with the days of each level, as its banners count them."""
    rule = env.ref("crm_public_pool.demo_rule_no_followup", raise_if_not_found=False)
    if rule and rule.with_context(lang="en_US").name == "No follow-up for 30 days":
        rule.with_context(lang="en_US").name = "No follow-up for 30 days (level A: 60, level B: 45)"


def _registered_until_days(env, langs):
    """ "Registered to you until <date and time with seconds>" now ends on the day, as the registrant reads it."""
    source = "%(name)s is registered to you until %(until)s."
    patterns = _compile([source], langs)
    registrations = (
        env["crm.public.pool.registration"]
        .with_context(active_test=False)
        .search([("protected_until", "!=", False), ("result_message", "!=", False)])
    )
    for registration in registrations:
        if not any(pattern.match(html.escape(registration.result_message, quote=False)) for _s, pattern in patterns):
            continue
        lang = registration.user_id.lang or "en_US"
        registration.result_message = get_translation(
            MODULE,
            lang,
            source,
            {"name": registration.name, "until": registration._protected_until_text(lang=lang)},
        )


def _rule_notes(cr, langs):
    """Recycle and warning notes: "<rule name>: <message>" becomes the message and its values."""
    compiled = []
    for source in RULE_NOTES:
        for lang in langs:
            text = source if lang == "en_US" else code_translations.get_python_translations(MODULE, lang).get(source)
            if text:
                compiled.append((source, re.compile(r"^.*?: " + _pattern(text) + r"$", re.S)))
    cr.execute(
        """
        SELECT id, note FROM crm_public_pool_log
         WHERE rule_id IS NOT NULL AND note IS NOT NULL AND note_message IS NULL AND action IN ('recycle', 'warn')
        """
    )
    updates = []
    for log_id, note in cr.fetchall():
        escaped = html.escape(note, quote=False)
        for source, pattern in compiled:
            match = pattern.match(escaped)
            if match:
                args = {key: html.unescape(value) for key, value in match.groupdict().items()}
                args = {key: int(value) if value.isdigit() else value for key, value in args.items()}
                payload = {"module": MODULE, "source": source, "args": args, "rule": True}
                updates.append((json.dumps(payload), log_id))
                break
    if updates:
        cr.executemany("UPDATE crm_public_pool_log SET note_message = %s::jsonb WHERE id = %s", updates)
    _logger.info("%s recycle notes now read in each reader's language", len(updates))
