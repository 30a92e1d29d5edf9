from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import pool_text
from .engine_token import GUARD_SETTING, as_engine, in_engine

LOG_ACTIONS = [
    ("create", "Created"),
    ("register", "Registered"),
    ("claim", "Claimed"),
    ("request", "Claim Requested"),
    ("release", "Released"),
    ("assign", "Assigned"),
    ("transfer", "Transferred"),
    ("recycle", "Recycled"),
    ("lock", "Locked"),
    ("unlock", "Unlocked"),
    ("appeal", "Appeal"),
    ("cleanup", "Cleaned Up"),
    ("departure", "Departure"),
    ("warn", "Warned"),
    ("restore", "Restored"),
    ("accept", "Accepted"),
    ("decline", "Declined"),
    ("timeout", "Not Accepted in Time"),
]


class CrmPublicPoolLog(models.Model):
    """Immutable audit trail: one row per move of a customer."""

    _name = "crm.public.pool.log"
    _description = "Customer Pool Audit Log"
    _order = "date desc, id desc"
    _rec_name = "action"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True, ondelete="set null")
    partner_name = fields.Char(string="Customer Name", readonly=True)
    pool_id = fields.Many2one("crm.public.pool", readonly=True, index=True, ondelete="set null")
    from_pool_id = fields.Many2one("crm.public.pool", readonly=True, ondelete="set null")
    action = fields.Selection(LOG_ACTIONS, required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Done By", readonly=True, index=True, ondelete="set null")
    from_user_id = fields.Many2one("res.users", string="From", readonly=True, index=True, ondelete="set null")
    to_user_id = fields.Many2one("res.users", string="To", readonly=True, index=True, ondelete="set null")
    rule_id = fields.Many2one("crm.public.pool.rule", readonly=True, ondelete="set null")
    reason_id = fields.Many2one("crm.public.pool.reason", readonly=True, ondelete="set null")
    note = fields.Text(readonly=True)
    note_message = fields.Json(
        readonly=True, help="A note the pool wrote, as its message and values: rendered for each reader."
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)

    def init(self):
        # Which transaction wrote the row: a customer's move commits only with its row
        # (res_partner_guard.py). Not an ORM field: the database fills it, nobody sends it.
        self.env.cr.execute(
            """
            ALTER TABLE crm_public_pool_log ADD COLUMN IF NOT EXISTS engine_txid bigint;
            ALTER TABLE crm_public_pool_log ALTER COLUMN engine_txid SET DEFAULT txid_current();
            """
        )
        # The deferred check of every moved customer asks for the customer's last row of the
        # transaction (ORDER BY id DESC LIMIT 1). With the partner_id index alone, its cached
        # generic plan walks the primary key backwards from the newest row, through every row
        # the transaction wrote after the customer's: a commit of 100,000 bulk-loaded customers
        # ran for hours. This index answers it from the customer's own rows.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS crm_public_pool_log_partner_id_id_index ON crm_public_pool_log (partner_id, id)"
        )
        self._create_immutability_guard()

    def _create_immutability_guard(self):
        """PostgreSQL refuses to change or delete an audit row, whatever the path.

        Three changes stay possible, each one a database cascade or the engine's own work:
        a reference set to NULL when the record it names is deleted (ON DELETE SET NULL), the
        customer a row names re-pointed by the engine when customers are merged (Odoo's merge
        moves every reference to the customer kept), and a row the engine wrote in the same
        transaction (the demo data dates its history).
        """
        references = [
            field.name
            for field in self._fields.values()
            if field.type == "many2one" and field.store and field.column_type
        ]
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE FUNCTION crm_public_pool_log_immutable() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE
                    engine boolean := coalesce(current_setting(%(setting)s, true), '') = txid_current()::text;
                BEGIN
                    IF TG_OP = 'UPDATE' THEN
                        IF engine AND OLD.engine_txid = txid_current() THEN
                            RETURN NEW;
                        END IF;
                        IF engine AND to_jsonb(OLD) - 'partner_id' = to_jsonb(NEW) - 'partner_id' THEN
                            RETURN NEW;
                        END IF;
                        -- PostgreSQL's own ON DELETE SET NULL runs inside its referential trigger.
                        IF pg_trigger_depth() > 1 AND NOT EXISTS (
                            SELECT 1 FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o USING (key)
                             WHERE n.value IS DISTINCT FROM o.value
                               AND NOT (n.key = ANY(%(references)s) AND n.value = 'null'::jsonb)
                        ) THEN
                            RETURN NEW;
                        END IF;
                    END IF;
                    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                        MESSAGE = 'The customer pool audit log cannot be changed or deleted (row ' || OLD.id || ').';
                END $$;
                CREATE OR REPLACE FUNCTION crm_public_pool_log_no_truncate() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'The customer pool audit log cannot be emptied.'
                        USING ERRCODE = 'insufficient_privilege';
                END $$;
                DROP TRIGGER IF EXISTS crm_public_pool_log_immutable ON crm_public_pool_log;
                CREATE TRIGGER crm_public_pool_log_immutable BEFORE UPDATE OR DELETE ON crm_public_pool_log
                   FOR EACH ROW EXECUTE FUNCTION crm_public_pool_log_immutable();
                DROP TRIGGER IF EXISTS crm_public_pool_log_no_truncate ON crm_public_pool_log;
                CREATE TRIGGER crm_public_pool_log_no_truncate BEFORE TRUNCATE ON crm_public_pool_log
                   FOR EACH STATEMENT EXECUTE FUNCTION crm_public_pool_log_no_truncate();
                """,
                setting=GUARD_SETTING,
                references=references,
            )
        )

    def _drop_immutability_guard(self):
        self.env.cr.execute(
            "DROP FUNCTION IF EXISTS crm_public_pool_log_immutable(), crm_public_pool_log_no_truncate() CASCADE"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not in_engine(self.env):
            raise UserError(self.env._("The pool audit log is written by the pool actions only."))
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        # Immutable by design: no code path may change an audit row.
        raise UserError(self.env._("The pool audit log cannot be changed (%s rows).", len(self)))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The pool audit log cannot be deleted (%s rows).", len(self)))

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if "note" not in fnames:
            return result
        logs = self.sudo().browse([vals["id"] for vals in result])
        for vals, log in zip(result, logs, strict=True):
            payload = log.note_message
            if payload:
                text = pool_text.render(payload, self.env.lang, self.env)
                # A recycle rule's note starts with the rule's name, in the reader's language too.
                if payload.get("rule") and log.rule_id:
                    text = f"{log.rule_id.with_context(lang=self.env.lang).name}: {text}"
                vals["note"] = text
        return result

    @api.model
    def _log_moves(self, rows):
        """Write audit rows in one batch; ``rows`` are value dicts."""
        if not rows:
            return self
        return as_engine(self.sudo()).create(rows)
