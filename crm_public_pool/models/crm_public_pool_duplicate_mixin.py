"""Duplicate detection (客户报备): normalised keys on the customer and the lookup over them.

Shared as a mixin so that the customer model stays about the customer, the way
``mail.thread.phone`` gives phone search to any model.
"""

import logging
import math

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..logic import matching, names
from .checks import check_texts

_logger = logging.getLogger(__name__)

POOL_KEY_FIELDS = [
    "pool_name_key",
    "pool_phone_keys",
    "pool_email_key",
    "pool_domain_key",
    "pool_vat_key",
    "pool_brand_key",
]

# Longest brand-alone probe (a 2-3 character brand and its trade) looked up by its brand key only.
BRAND_ALONE_MAX = 8

# pg_trgm's verdict per database: it cannot change while the server runs.
_TRGM_MODES = {}


def _like_prefix(text):
    """A LIKE pattern for the values that start with ``text``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def pg_trgm_mode(ctype, has_extension):
    """'trgm' when pg_trgm can compare names in a database of this LC_CTYPE, else 'scan'.

    pg_trgm classifies characters with the database's LC_CTYPE: under 'C' or 'POSIX' every
    ideograph is a non-word character, so Chinese names have no trigrams and never match.
    """
    normalized = (ctype or "").lower().replace("-", "").replace("_", "")
    return "trgm" if has_extension and "utf8" in normalized else "scan"


def trigram_floor(key_length, threshold):
    """pg_trgm similarity floor for the candidates of a name key of ``key_length`` characters.

    A key differing by k characters (changed, added or dropped) from the probe still shares
    all but 3k of its length + 1 trigrams.  ``threshold`` allows k = (1 - threshold) * length
    changed characters, and at least one edit is always searched, so this floor keeps every
    candidate with that many edits while staying as selective as they allow.
    """
    trigrams = key_length + 1
    lost = 3 * max(1, int((1 - threshold) * key_length + 1e-9))
    # Rounded down: pg_trgm compares in single precision.
    return max(0.05, math.floor(1000 * (trigrams - lost) / (trigrams + lost)) / 1000)


class CrmPublicPoolDuplicateMixin(models.AbstractModel):
    _name = "crm.public.pool.duplicate.mixin"
    _description = "Customer Pool Duplicate Detection"

    # Normalised duplicate-lookup keys (see logic/matching.py), indexed in init().
    pool_name_key = fields.Char(compute="_compute_pool_keys", store=True, index=True)
    pool_phone_keys = fields.Char(compute="_compute_pool_keys", store=True, help="E.164 numbers, space-separated.")
    pool_email_key = fields.Char(compute="_compute_pool_keys", store=True, index="btree_not_null")
    pool_domain_key = fields.Char(compute="_compute_pool_keys", store=True, index="btree_not_null")
    pool_vat_key = fields.Char(compute="_compute_pool_keys", store=True, index="btree_not_null")
    pool_brand_key = fields.Char(
        compute="_compute_pool_keys", store=True, help="'brand|industry': the name without places and legal form."
    )

    def init(self):
        if self._abstract:
            return super().init()
        table = SQL.identifier(self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS %s ON %s USING gin (string_to_array(pool_phone_keys, ' '))
                 WHERE pool_phone_keys IS NOT NULL
                """,
                SQL.identifier(f"{self._table}_pool_phone_keys_idx"),
                table,
            )
        )
        # Equality and prefix ('宏图|%': the brand typed without its line of business).
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS %s ON %s (pool_brand_key text_pattern_ops)
                 WHERE pool_brand_key IS NOT NULL
                """,
                SQL.identifier(f"{self._table}_pool_brand_key_idx"),
                table,
            )
        )
        if self._pool_trgm_install():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (pool_name_key gin_trgm_ops)",
                    SQL.identifier(f"{self._table}_pool_name_key_trgm_idx"),
                    table,
                )
            )
        return super().init()

    @api.model
    def _pool_trgm_install(self):
        """Create pg_trgm if needed; False (with a warning) when the database refuses."""
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if self.env.cr.fetchone():
            return True
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg2.Error as error:
            _logger.warning(
                "pg_trgm could not be installed (%s): duplicate names are matched by a slower scan. "
                "Ask the database administrator to run CREATE EXTENSION pg_trgm.",
                error,
            )
            return False
        return True

    @api.depends("name", "phone", "mobile", "email", "website", "vat")
    def _compute_pool_keys(self):
        for partner in self:
            keys = matching.fingerprint(
                matching.Prospect(
                    name=partner.name or "",
                    phone=partner.phone or "",
                    mobile=partner.mobile or "",
                    email=partner.email or "",
                    website=partner.website or "",
                    vat=partner.vat or "",
                )
            )
            partner.pool_name_key = keys["name_norm"] or False
            partner.pool_phone_keys = " ".join(keys["phones"]) or False
            partner.pool_email_key = keys["email"] or False
            partner.pool_domain_key = keys["domain"] or False
            partner.pool_vat_key = keys["vat"] or False
            partner.pool_brand_key = keys["brand"] or False

    @api.model
    @api.readonly
    def pool_lookup(self, name=False, phone=False, email=False, vat=False):
        """The customers matching a prospect, as the current user is allowed to know them.

        A list of dicts ``{partner_id, display_name, pool_state, pool_id, owner, match}``,
        exact matches first; ``owner`` is the owner's name only for customers the user may read,
        or when the company lets registrants see who protects a customer.
        """
        if not self.env.user.has_group("crm_public_pool.group_pool_user"):
            raise AccessError(self.env._("Only salespeople may look up prospects in the customer pools."))
        check_texts(self.env, name=name, phone=phone, email=email, vat=vat)
        prospect = {"name": name or "", "phone": phone or "", "email": email or "", "vat": vat or ""}
        found = self._pool_find_duplicates(prospect, self.env.company)
        partners = self.browse([partner.id for partner, _verdict, _reasons in found])
        readable = set(partners._filtered_access("read").ids)
        show_owner = self.env.company.sudo().pool_show_owner_to_registrant
        result = []
        for partner, verdict, _reasons in found:
            known = partner.id in readable
            if known:
                label = partner.display_name
            elif partner.pool_state == "private":
                label = self.env._("Protected customer")
            else:
                label = self.env._("Customer in pool %s", partner.pool_id._pool_name_for_me())
            owned = partner.pool_state == "private"
            result.append(
                {
                    "partner_id": partner.id,
                    "display_name": label,
                    "pool_state": partner.pool_state,
                    "pool_id": partner.pool_id.id,
                    "owner": partner.user_id.name if owned and (known or show_owner) else False,
                    "match": verdict,
                }
            )
        return result

    @api.model
    def _pool_find_duplicates(self, prospect, company, limit=50, mode=None):
        """[(customer in sudo, 'exact' | 'near', reasons)] for a prospect dict, best first.

        Every managed customer of ``company`` counts, whoever owns it: record rules do not
        apply, callers decide what to reveal.
        """
        company = company.sudo()
        threshold = company.pool_name_similarity or 0.8
        extra_public = (company.pool_public_mail_domains or "").replace(",", " ").split()
        probe = matching.fingerprint(prospect, extra_public=extra_public)
        rows = self._pool_duplicate_candidates(probe, company, threshold, limit=limit, mode=mode)
        found = []
        for partner_id, name_key, phone_keys, email_key, domain_key, vat_key, brand_key in rows:
            candidate = {
                "name_norm": name_key or "",
                "brand": brand_key or "",
                "phones": tuple((phone_keys or "").split()),
                "email": email_key,
                "domain": domain_key,
                "vat": vat_key,
            }
            verdict, reasons = matching.score_candidate(probe, candidate, threshold)
            if verdict:
                found.append((self.sudo().browse(partner_id), verdict, reasons))
        found.sort(key=lambda item: item[1] != matching.EXACT)
        return found

    @api.model
    def _pool_duplicate_candidates(self, probe, company, threshold, limit=50, mode=None):
        """(id, *POOL_KEY_FIELDS) of managed customers sharing a key with ``probe`` or a similar name.

        One indexed query: btree on the exact keys, GIN on the phone array and GIN trigrams
        on the name key, prefiltered at ``trigram_floor`` and ordered by similarity.
        """
        where = self._pool_candidate_where(probe, threshold, mode)
        if not where:
            return []
        conditions, params, order, order_params, floor = where
        if floor is not None:
            self.env.cr.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(floor)])
        self.flush_model(POOL_KEY_FIELDS + ["pool_state", "company_id", "active"])
        self.env.cr.execute(
            f"""
            SELECT id, {", ".join(POOL_KEY_FIELDS)} FROM {self._table}
             WHERE ({" OR ".join(conditions)})
               AND pool_state IS NOT NULL AND active
               AND (company_id = %s OR company_id IS NULL)
             ORDER BY {order}
             LIMIT %s
            """,  # noqa: S608 - only fixed SQL fragments are interpolated
            [*params, company.id, *order_params, limit],
        )
        return self.env.cr.fetchall()

    @api.model
    def _pool_candidate_where(self, probe, threshold, mode=None, own_floor=False):
        """``(conditions, params, order, order_params, trigram floor or None)`` of the candidate query
        of ``probe`` (OR-ed conditions), or None when the probe has no key to look up. ``own_floor``:
        the probe's trigram floor is checked in the query, beside a looser one shared with others."""
        conditions, params = [], []
        for key, column in (("vat", "pool_vat_key"), ("email", "pool_email_key"), ("domain", "pool_domain_key")):
            if probe.get(key):
                conditions.append(f"{column} = %s")
                params.append(probe[key])
        if probe.get("phones"):
            conditions.append("(pool_phone_keys IS NOT NULL AND string_to_array(pool_phone_keys, ' ') && %s::text[])")
            params.append(list(probe["phones"]))
        # What surely is the prospect comes first, before LIMIT cuts: a shared key, or the brand with
        # the probe's line of business shortened or padded at its end.
        relevant, relevant_params = list(conditions), list(params)
        brand = probe.get("brand")
        if brand:
            # The brand's lines of business the scoring may keep: sharing the probe's words, padded
            # or shortened (盛达软件 for 盛达软件科技, logic/names.brand_matches).
            brand_name, _bar, industry = brand.partition("|")
            # One index range per word the candidate's line of business may begin with: the rows of
            # the brand's other trades are never read.
            starts = names.industry_starts(industry)
            conditions.append(f"({' OR '.join(['pool_brand_key LIKE %s'] * len(starts))})")
            params += [_like_prefix(f"{brand_name}|{start}") for start in starts]
            words = names.industry_words(industry)
            relevant.append("pool_brand_key LIKE %s OR pool_brand_key = ANY(%s)")
            relevant_params += [
                _like_prefix(brand),
                [f"{brand_name}|{''.join(words[:size])}" for size in range(1, len(words))],
            ]
        name_key = probe.get("name_norm")
        if name_key:
            relevant.append("pool_name_key = %s")
            relevant_params.append(name_key)
        order = "id"
        order_params = []
        floor = None
        # A brand typed alone (宏图物流) is found by the brand key; its few trigrams would match
        # every name sharing the line of business, the slow tail of the similarity search.
        brand_alone = bool(brand) and name_key == brand.replace("|", "") and len(name_key) <= BRAND_ALONE_MAX
        if name_key:
            mode = mode or self._pool_trgm_mode()
            conditions.append("pool_name_key = %s")
            params.append(name_key)
            if mode == "trgm" and not brand_alone:
                floor = trigram_floor(len(name_key), threshold)
                if own_floor:
                    # In single precision, as pg_trgm compares its threshold.
                    conditions.append("(pool_name_key %% %s AND similarity(pool_name_key, %s) >= %s::real)")
                    params.extend([name_key, name_key, floor])
                else:
                    conditions.append("pool_name_key %% %s")
                    params.append(name_key)
                order = "similarity(pool_name_key, %s) DESC, id"
                order_params.append(name_key)
            elif not brand_alone:
                # Without usable trigrams: any shared pair of characters, then the precise score.
                pairs = {name_key[i : i + 2] for i in range(max(1, len(name_key) - 1))}
                conditions.append("pool_name_key LIKE ANY(%s)")
                params.append([f"%{pair}%" for pair in sorted(pairs)])
        if not conditions:
            return None
        order = f"({' OR '.join(f'({condition})' for condition in relevant)}) DESC, {order}"
        return conditions, params, order, relevant_params + order_params, floor

    @api.model
    def _pool_find_duplicates_many(self, prospects, company, limit=50, registrants=None):
        """``_pool_find_duplicates`` of several prospects in one statement: a list of its results, one
        per prospect, so that creating many customers costs one lookup, not one per customer.

        ``registrants`` (customers only): a dict filled with ``{match id: registrant}`` of the
        matches a registration still protects for their owner, the facts of
        ``res.partner._pool_protected_registrants`` read by the same statement.
        """
        company = company.sudo()
        threshold = company.pool_name_similarity or 0.8
        extra_public = (company.pool_public_mail_domains or "").replace(",", " ").split()
        probes = [matching.fingerprint(prospect, extra_public=extra_public) for prospect in prospects]
        parts, params, floors = [], [], []
        registrant = "NULL::integer"
        if registrants is not None:
            registrant = f"""(SELECT r.user_id FROM crm_public_pool_registration r
                              WHERE r.partner_id = {self._table}.id AND r.user_id = {self._table}.user_id
                                AND {self._table}.pool_state = 'private' AND r.state IN ('registered', 'approved')
                                AND (r.protected_until IS NULL OR r.protected_until > %s)
                              LIMIT 1)"""
        for index, probe in enumerate(probes):
            where = self._pool_candidate_where(probe, threshold, own_floor=True)
            if not where:
                continue
            conditions, where_params, order, order_params, floor = where
            if floor is not None:
                floors.append(floor)
            parts.append(
                f"""
                (SELECT %s AS probe, id, {", ".join(POOL_KEY_FIELDS)}, {registrant} FROM {self._table}
                  WHERE ({" OR ".join(conditions)})
                    AND pool_state IS NOT NULL AND active
                    AND (company_id = %s OR company_id IS NULL)
                  ORDER BY {order}
                  LIMIT %s)
                """  # noqa: S608 - only fixed SQL fragments are interpolated
            )
            params += [index, *([fields.Datetime.now()] if registrants is not None else []), *where_params]
            params += [company.id, *order_params, limit]
        found = [[] for _probe in probes]
        if not parts:
            return found
        query = " UNION ALL ".join(parts)
        if floors:
            # The loosest floor for the index (each probe's own floor is checked beside it), set in
            # the same round trip.
            query = f"SELECT set_config('pg_trgm.similarity_threshold', %s, true); {query}"
            params = [str(min(floors)), *params]
        self.flush_model(POOL_KEY_FIELDS + ["pool_state", "company_id", "active"])
        if registrants is not None:
            self.flush_model(["user_id"])
            self.env["crm.public.pool.registration"].flush_model(["partner_id", "user_id", "state", "protected_until"])
        self.env.cr.execute(query, params)
        for (
            index,
            partner_id,
            name_key,
            phone_keys,
            email_key,
            domain_key,
            vat_key,
            brand_key,
            registrant_id,
        ) in self.env.cr.fetchall():
            candidate = {
                "name_norm": name_key or "",
                "brand": brand_key or "",
                "phones": tuple((phone_keys or "").split()),
                "email": email_key,
                "domain": domain_key,
                "vat": vat_key,
            }
            verdict, reasons = matching.score_candidate(probes[index], candidate, threshold)
            if verdict:
                found[index].append((self.sudo().browse(partner_id), verdict, reasons))
                if registrant_id and registrants is not None:
                    registrants[partner_id] = self.env["res.users"].sudo().browse(registrant_id)
        for matches in found:
            matches.sort(key=lambda item: item[1] != matching.EXACT)
        return found

    @api.model
    def _pool_trgm_mode(self):
        """'trgm' or 'scan' for this database, decided once and warned about when degraded."""
        dbname = self.env.cr.dbname
        if dbname not in _TRGM_MODES:
            self.env.cr.execute(
                """
                SELECT datctype, EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
                  FROM pg_database WHERE datname = current_database()
                """
            )
            ctype, has_extension = self.env.cr.fetchone()
            mode = pg_trgm_mode(ctype, has_extension)
            if mode != "trgm":
                _logger.warning(
                    "Duplicate names are matched by a slow scan in database %s: %s. Create the "
                    "database with a UTF-8 LC_CTYPE (e.g. C.UTF-8) and the pg_trgm extension.",
                    dbname,
                    "pg_trgm is not installed"
                    if not has_extension
                    else f"its LC_CTYPE {ctype} gives Chinese characters no trigrams",
                )
            _TRGM_MODES[dbname] = mode
        return _TRGM_MODES[dbname]
