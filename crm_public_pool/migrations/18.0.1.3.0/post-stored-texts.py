"""Texts the pool stored before 18.0.1.3.0 in the language of whoever they were written for get
their message and values, so that each reader reads them in their own language and time zone:

- the recycle warnings' To-Dos ("Returns to the pool on <date>", then "<rule>: <why>") lose their
  summary (they read as their type) and get their note as stored texts (``pool_note``);
- the To-Dos of appeals and claim requests ("Appeal: <user> registers <name>") likewise;
- registration results (``result_payload``; "resembles 1 existing customers" becomes singular),
  and the lines the registrations and claim requests posted on their chatter (``pool_message``);
- audit notes of escalations, deletions, merges and distributions (``note_message``).

Only texts that are exactly one of the pool's messages (in English or in an installed language's
translation) are converted; anything else stays as written.
"""

import html
import json
import logging
import re

from odoo import SUPERUSER_ID, api, fields
from odoo.tools.translate import code_translations

from odoo.addons.crm_public_pool.models.engine_token import as_engine

_logger = logging.getLogger(__name__)

MODULE = "crm_public_pool"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%\.4f")
RESULTS = [
    "%(name)s is already under review: %(user)s's registration of %(other)s awaits a pool administrator.",
    "%s is already under review: another salesperson's registration of it awaits a pool administrator.",
    "%(name)s resembles %(count)s existing customers; appeal to a pool administrator if it is a different company.",
    "%(name)s is already a customer in pool %(pool)s: claim it instead of registering it.",
    "%s is already a customer in a pool you are not a member of: ask its pool administrator for it.",
    "%s is already your customer.",
    "%(name)s is already a customer of %(owner)s: registration refused.",
    "%s is a protected customer of another salesperson: registration refused.",
    "%(name)s is registered to you until %(until)s.",
]
SINGULAR = "%s resembles an existing customer; appeal to a pool administrator if it is a different company."
LINES = [
    *RESULTS,
    "Appeal %(state)s by %(user)s.",
    "Claim request for %(customer)s rejected: %(note)s",
]
TODOS = ["Appeal: %(user)s registers %(name)s", "Claim request: %(user)s asks for %(partner)s"]
WARNINGS = ["Returns to the pool on %s unless followed up", "Returns to the pool on %s"]
RULE_NOTES = [
    "no follow-up for %(days)s days, limit %(limit)s",
    "no follow-up for %(days)s working days, limit %(limit)s",
    "no new opportunity for %(days)s days, limit %(limit)s",
    "no new opportunity for %(days)s working days, limit %(limit)s",
    "no opportunity won in %(days)s days since the claim, limit %(limit)s",
    "no opportunity won in %(days)s working days since the claim, limit %(limit)s",
    "won revenue %(revenue)s in the last %(days)s days, below %(limit)s",
    "matches the filter %(domain)s",
]
NOTES = ["deleted", "merged with %s", "unclaimed for more than %(days)s days", "Next candidate by %s"]
DISTRIBUTION = "Distribution: %s"


def _pattern(text, escaped=False):
    """A regular expression of ``text`` whose placeholders capture their values."""
    quote = (lambda part: html.escape(part, quote=False)) if escaped else (lambda part: part)
    parts, position, index = [], 0, 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(re.escape(quote(text[position : match.start()])))
        parts.append(f"(?P<{match.group(1)}>.+?)" if match.group(1) else f"(?P<_{index}>.+?)")
        index += 0 if match.group(1) else 1
        position = match.end()
    parts.append(re.escape(quote(text[position:])))
    return "".join(parts)


def _compile(sources, langs, escaped=False, prefix="^", suffix="$"):
    compiled = []
    for source in sources:
        for lang in langs:
            text = source if lang == "en_US" else code_translations.get_python_translations(MODULE, lang).get(source)
            if text:
                compiled.append((source, lang, re.compile(prefix + _pattern(text, escaped) + suffix, re.S)))
    return compiled


def _match(compiled, text):
    for source, lang, pattern in compiled:
        match = pattern.match(text)
        if match:
            return source, lang, match
    return None


def _payload(source, match, typed=None):
    values = {key: html.unescape(value) for key, value in match.groupdict().items() if value is not None}
    values.update(typed or {})
    positional = sorted((key for key in values if key.startswith("_")), key=lambda key: int(key[1:]))
    args = [values[key] for key in positional] if positional else values
    return {"module": MODULE, "source": source, "args": args}


def _plain_text(html_text):
    return html.unescape(re.sub(r"<[^>]+>", "\n", html_text or "")).strip()


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    langs = [code for code, _name in env["res.lang"].get_installed()]
    _warning_todos(env, langs)
    _review_todos(env, langs)
    _registration_results(env, langs)
    _chatter_lines(env, langs)
    _audit_notes(env, langs)


def _rule_reason(env, langs, text, rules):
    """ "<rule name>: <why>" as stored texts, or the text as it is."""
    found = _match(_compile(RULE_NOTES, langs, prefix=r"^(?P<__rule>.*?): "), text)
    if not found:
        return text
    source, _lang, match = found
    name = match.group("__rule")
    rule = next((r for r in rules if name in {r.with_context(lang=lang).name for lang in langs}), None)
    if not rule:
        return text
    values = {key: value for key, value in match.groupdict().items() if key != "__rule"}
    args = {key: int(value) if value.isdigit() else value for key, value in values.items()}
    return {
        "join": [
            {"record": [rule._name, rule.id, "name"], "name": rule.with_context(lang="en_US").name},
            {"module": MODULE, "source": source, "args": args},
        ],
        "sep": ": ",
    }


def _warning_todos(env, langs):
    warning_type = env.ref("crm_public_pool.mail_activity_type_pool_recycle", raise_if_not_found=False)
    if not warning_type:
        return
    activities = env["mail.activity"].search([("activity_type_id", "=", warning_type.id), ("pool_note", "=", False)])
    compiled = _compile(WARNINGS, langs)
    rules = env["crm.public.pool.rule"].with_context(active_test=False).search([])
    Activity = env["mail.activity"]
    converted = 0
    for activity in activities:
        found = _match(compiled, (activity.summary or "").strip())
        if not found:
            continue
        source, _lang, _match_ = found
        parts = [
            {"module": MODULE, "source": source, "args": [{"date": fields.Date.to_string(activity.date_deadline)}]}
        ]
        reason = _plain_text(activity.note)
        if reason:
            parts.append(_rule_reason(env, langs, reason, rules))
        payload = {"join": parts, "sep": ", "}
        lang = activity.user_id.lang or "en_US"
        # The pool's notes are written by the pool only (mail_activity.py).
        as_engine(activity).write(
            {"summary": False, "pool_note": payload, "note": Activity.with_context(lang=lang)._pool_note_html(payload)}
        )
        converted += 1
    _logger.info("%s recycle-warning To-Dos now read in each reader's language", converted)


def _review_todos(env, langs):
    todo_type = env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
    if not todo_type:
        return
    activities = env["mail.activity"].search(
        [
            ("activity_type_id", "=", todo_type.id),
            ("res_model", "in", ("crm.public.pool.registration", "crm.public.pool.claim.request")),
            ("pool_note", "=", False),
        ]
    )
    compiled = _compile(TODOS, langs)
    Activity = env["mail.activity"]
    for activity in activities:
        found = _match(compiled, (activity.summary or "").strip())
        if not found:
            continue
        source, _lang, match = found
        parts = [_payload(source, match)]
        reason = _plain_text(activity.note)
        if reason:
            parts.append(reason)
        payload = {"join": parts, "sep": ", "}
        lang = activity.user_id.lang or "en_US"
        # The pool's notes are written by the pool only (mail_activity.py).
        as_engine(activity).write(
            {"summary": False, "pool_note": payload, "note": Activity.with_context(lang=lang)._pool_note_html(payload)}
        )


def _typed(registration, source, match):
    """Values read per reader: the protection's last day, as the registrant's time zone has it."""
    if "%(until)s" in source and registration.protected_until:
        tz = registration.user_id.tz or "UTC"
        day = fields.Date.context_today(registration.with_context(tz=tz), registration.protected_until)
        return {"until": {"date": fields.Date.to_string(day)}}
    return {}


def _result_payload(registration, source, match):
    if source == RESULTS[2] and match.group("count") == "1":
        return {"module": MODULE, "source": SINGULAR, "args": [html.unescape(match.group("name"))]}
    return _payload(source, match, _typed(registration, source, match))


def _registration_results(env, langs):
    registrations = (
        env["crm.public.pool.registration"]
        .with_context(active_test=False)
        .search([("result_message", "!=", False), ("result_payload", "=", False)])
    )
    compiled = _compile(RESULTS, langs)
    for registration in registrations:
        found = _match(compiled, registration.result_message.strip())
        if found:
            source, _lang, match = found
            registration.result_payload = _result_payload(registration, source, match)


def _chatter_lines(env, langs):
    compiled = _compile(LINES, langs, escaped=True, prefix=r"^(?:<p>)?", suffix=r"(?:</p>)?$")
    states = {}
    for lang in langs:
        Registration = env["crm.public.pool.registration"].with_context(lang=lang)
        labels = Registration._fields["state"]._description_selection(Registration.env)
        states.update({label: value for value, label in labels})
    Registration = env["crm.public.pool.registration"].with_context(active_test=False)
    cr = env.cr
    cr.execute(
        """
        SELECT id, model, res_id, body FROM mail_message
         WHERE model IN ('crm.public.pool.registration', 'crm.public.pool.claim.request')
           AND pool_message IS NULL AND body IS NOT NULL
        """
    )
    updates = []
    for message_id, model, res_id, body in cr.fetchall():
        found = _match(compiled, body.strip())
        if not found:
            continue
        source, _lang, match = found
        if source == "Appeal %(state)s by %(user)s.":
            state = states.get(html.unescape(match.group("state")))
            if not state:
                continue
            payload = _payload(source, match, {"state": {"selection": [Registration._name, "state", state]}})
        elif model == Registration._name and source in RESULTS:
            payload = _result_payload(Registration.browse(res_id), source, match)
        else:
            payload = _payload(source, match)
        updates.append((json.dumps(payload), message_id))
    if updates:
        cr.executemany("UPDATE mail_message SET pool_message = %s::jsonb WHERE id = %s", updates)
    _logger.info(
        "%s chatter lines of registrations and claim requests now read in each reader's language", len(updates)
    )


def _audit_notes(env, langs):
    """Notes the engine wrote as text: by distinct note, for the audit rows cannot be changed otherwise."""
    compiled = _compile(NOTES, langs)
    distribution = _compile([DISTRIBUTION], langs, prefix=r"^(?:(?P<__lead>.*?), )?", suffix=r"(?P<__rest>.*)$")
    strategies = {}
    Engine = env["crm.public.pool.distribution"]
    for lang in langs:
        labels = Engine._fields["strategy"]._description_selection(Engine.with_context(lang=lang).env)
        strategies.update({label: value for value, label in labels})
    cr = env.cr
    cr.execute("SELECT DISTINCT note FROM crm_public_pool_log WHERE note IS NOT NULL AND note_message IS NULL")
    updates = []
    for (note,) in cr.fetchall():
        payload = _note_payload(note.strip(), compiled, distribution, strategies)
        if payload:
            updates.append((json.dumps(payload), note))
    if not updates:
        return
    # The audit log refuses every change (crm_public_pool_log.py): the upgrade lifts its guard
    # for this one statement, which adds how a note reads and changes nothing it says.
    Log = env["crm.public.pool.log"]
    Log._drop_immutability_guard()
    cr.executemany(
        "UPDATE crm_public_pool_log SET note_message = %s::jsonb WHERE note = %s AND note_message IS NULL", updates
    )
    Log._create_immutability_guard()
    _logger.info("%s kinds of audit notes now read in each reader's language", len(updates))


def _note_payload(note, compiled, distribution, strategies):
    found = _match(compiled, note)
    if found:
        source, _lang, match = found
        return _payload(source, match)
    found = _match(distribution, note)
    if not found:
        return None
    _source, lang, match = found
    written = match.group("_0") + match.group("__rest")
    label = max((label for label in strategies if written.startswith(label)), key=len, default=None)
    if not label:
        return None
    rest = written[len(label) :]
    score = re.fullmatch(r"\W*\w*\W*(\d+\.\d{4})", rest)
    if rest and not score:
        return None  # a rule's name follows: left as written
    strategy = {"selection": ["crm.public.pool.distribution", "strategy", strategies[label]]}
    parts = [{"module": MODULE, "source": DISTRIBUTION, "args": [strategy]}]
    if score:
        parts.append({"module": MODULE, "source": ", score %.4f", "args": [float(score.group(1))]})
    payload = {"join": parts, "sep": ""}
    lead = match.group("__lead")
    if lead:
        inner = _match(compiled, lead)
        lead_payload = _payload(inner[0], inner[2]) if inner else lead
        payload = {"join": [lead_payload, payload], "sep": ", "}
    return payload
