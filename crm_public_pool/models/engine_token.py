"""The token that marks a write as made by the pool's transition engine.

Ownership, pool, lock and the pool dates of a customer, and the audit log, are written only
by the engine (``res.partner._pool_apply`` and the few bookkeeping writes beside it). Its
writes carry an instance of a private class in the context, as OCA ``queue_job`` protects its
own fields: a client can send any JSON in a context (``True``, strings, lists) but never a
Python object, so no context key, argument or record value can pass for the engine. Values
the engine hands to the log (a distribution's score, a registration's origin) ride inside the
same token for the same reason.

The token has a twin in the database: ``engine_statements`` marks the statements the engine
runs with a transaction-local setting, and PostgreSQL refuses a change of a managed customer's
owner, status, pool, lock or pool dates made by any other statement (the triggers created in
``res_partner_guard.py``). The setting is set just before the engine's own statements and
cleared right after; it holds the transaction's id, so a session-wide value never matches.
"""

from contextlib import contextmanager, suppress

import psycopg2

from odoo.tools import SQL

ENGINE_KEY = "crm_public_pool_engine"
# The transaction-local setting PostgreSQL's guard reads (res_partner_guard.py).
GUARD_SETTING = "crm_public_pool.engine"
# How many engine_statements blocks are open on a cursor (in its ``cache``): nested blocks
# cost no query.
_DEPTH = "crm_public_pool_engine_statements"


class EngineCall:
    """One engine operation's facts; only server code can create one."""

    __slots__ = ("facts",)

    def __init__(self, **facts):
        self.facts = facts

    def __repr__(self):
        return "<crm_public_pool engine call>"


def as_engine(records, **facts):
    """``records`` in an environment whose writes are the engine's."""
    current = engine_call(records.env)
    if current and not facts:
        return records
    merged = dict(current.facts if current else {}, **facts)
    return records.with_context(**{ENGINE_KEY: EngineCall(**merged)})


def engine_call(env):
    """The engine call running in ``env``, or None for anything a client started."""
    call = env.context.get(ENGINE_KEY)
    return call if isinstance(call, EngineCall) else None


def in_engine(env):
    return engine_call(env) is not None


def engine_fact(env, name, default=None):
    call = engine_call(env)
    return call.facts.get(name, default) if call else default


def without_client_defaults(records, fnames):
    """``records`` without ``default_<field>`` context keys for ``fnames``.

    ``create`` fills missing values from ``default_*`` keys after our checks ran on the
    values it was given: a client must not set a protected field through them.
    """
    context = records.env.context
    forged = [key for key in context if key.startswith("default_") and key[len("default_") :] in fnames]
    if not forged:
        return records
    return records.with_env(records.env(context={k: v for k, v in context.items() if k not in forged}))


def engine_setting_sql():
    """The statement that marks the transaction's next statements as the engine's (until the
    block of ``engine_statements`` that asked for it ends)."""
    return SQL("SELECT set_config(%s, txid_current()::text, true)", GUARD_SETTING)


@contextmanager
def engine_statements(cr, setting_sent=False):
    """Run the block's statements as the engine's, for PostgreSQL's guard.

    Only engine code opens this block, around statements whose values it built itself (a
    move's flush, the set-based recycle); nothing a client sent runs inside it.

    ``setting_sent``: the block's first statement carries ``engine_setting_sql()`` in its own
    round trip (the claim sends it with the capacity lock and the owner's count), so opening
    the block costs no query. Until that statement ran, the guard refuses every move: a caller
    that forgets it fails, it never lets a statement through.
    """
    depth = cr.cache.get(_DEPTH, 0)
    if depth:
        cr.cache[_DEPTH] = depth + 1
        try:
            yield
        finally:
            cr.cache[_DEPTH] = depth
        return
    if not setting_sent:
        cr.execute(engine_setting_sql())
    cr.cache[_DEPTH] = 1
    try:
        yield
    finally:
        cr.cache[_DEPTH] = 0
        # A failed statement aborted the transaction: its rollback clears the setting.
        with suppress(psycopg2.errors.InFailedSqlTransaction):
            cr.execute("SELECT set_config(%s, '', true)", [GUARD_SETTING], log_exceptions=False)


def engine_execute(cr, query):
    """Run one statement the engine composed as the engine's, when no row of it is wanted: the
    setting, the statement and the setting's end go in a single round trip (a statement that
    fails aborts the transaction, whose rollback clears the setting)."""
    if cr.cache.get(_DEPTH, 0):
        cr.execute(query)
        return
    cr.execute(SQL("%s; %s; SELECT set_config(%s, '', true)", engine_setting_sql(), query, GUARD_SETTING))


def engine_fetchall(cr, query):
    """Run one statement the engine composed as the engine's; return its rows (none: [])."""
    nested = bool(cr.cache.get(_DEPTH, 0))
    with engine_statements(cr, setting_sent=not nested):
        cr.execute(query if nested else SQL("%s; %s", engine_setting_sql(), query))
        return cr.fetchall() if cr.description else []
