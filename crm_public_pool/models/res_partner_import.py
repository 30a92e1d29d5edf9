import base64
import csv
import io
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.models import fix_import_export_id_paths
from odoo.tools.lru import LRU

from ..logic import matching
from .res_partner_duplicate import GATE_SCREENED_KEY, GateScreened

# Columns of an imported row that identify a company.
IDENTITY_FIELDS = ("name", "phone", "mobile", "email", "website", "vat")
# What an import never changes on an existing customer: who owns it, where it sits, what it is.
UPDATE_FORBIDDEN = frozenset(
    ("user_id", "company_id", "active", "parent_id", "is_company", "company_type", "source_id", "child_ids")
)
# The keys an imported row is taken for an existing customer by (besides its id).
UPDATE_KEYS = ("vat", "email", "phones")


# Kept apart from res_partner.py: the import concern is self-contained and that file is busy.
class ResPartner(models.Model):
    """Import into a pool: a row that is an existing customer (same id, USCC, phone or e-mail)
    updates it, a new one passes the duplicate gate, and the rows left out come back as a file."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def load(self, fields, data):
        self._pool_check_import_arguments(fields, data)
        if not self._pool_import_checks_duplicates(fields):
            return super().load(fields, data)
        # Updates of the rows that are existing customers, creations of the others (which the gate
        # screened row by row already): all or nothing, as ``load`` is.
        batches, updates, warnings, rejected = self._pool_import_plan(fields, data)
        screened = self.with_context(**{GATE_SCREENED_KEY: GateScreened()})
        savepoint = self.env.cr.savepoint(flush=False)
        messages, ids_by_row = [], {}
        for rows, load_fields, load_data in batches:
            result = super(ResPartner, screened).load(load_fields, load_data)
            messages += [self._pool_import_remap(message, rows) for message in result.get("messages", [])]
            ids_by_row.update(zip(rows, result.get("ids") or [], strict=False))
        failed = any(message.get("type") == "error" for message in messages)
        if failed:
            savepoint.rollback()
        savepoint.close(rollback=False)
        return self._pool_import_result(fields, data, updates, warnings, rejected, messages, ids_by_row, failed)

    @api.model
    def _pool_check_import_arguments(self, fields, data):
        """An import is a list of field paths and a list of rows of as many cells: refuse anything else."""
        if not isinstance(fields, (list, tuple)) or not all(isinstance(path, str) and path for path in fields):
            raise UserError(self.env._("The columns of an import must be a list of field names, not %r.", fields))
        unknown = [path for path in fields if path.split("/")[0] not in self._fields and path not in ("id", ".id")]
        if unknown:
            raise UserError(
                self.env._(
                    "The import names %(count)s unknown fields: %(fields)s.",
                    count=len(unknown),
                    fields=", ".join(repr(path) for path in unknown[:5]),
                )
            )
        if not isinstance(data, (list, tuple)) or not all(
            isinstance(row, (list, tuple)) and len(row) == len(fields) for row in data
        ):
            raise UserError(self.env._("The rows of an import must be lists of %s cells, one per column.", len(fields)))

    @api.model
    def _pool_import_checks_duplicates(self, fields):
        """Only imports of single-line rows into a pool: no sub-records."""
        if not self.env.context.get("import_file"):
            return False
        roots = {field.split("/")[0] for field in fields}
        nested = any("/" in field and field.split("/", 1)[1] not in ("id", ".id") for field in fields)
        return "pool_id" in roots and not nested

    @api.model
    def _pool_import_plan(self, fields, data):
        """``(batches, updates, warnings, rejected)``: the ``load`` calls to make (see
        ``_pool_import_batches``), {row: customer id} updated, and {row: message} of the rows the gate
        warns of and of those left out."""
        converted = self._pool_import_convert(fields, data)
        matches = self._pool_import_matches(fields, data, converted)
        rejected, updates, warnings = {}, {}, {}
        for index, (target, reasons, ambiguous) in matches.items():
            if ambiguous:
                rejected[index] = self.env._(
                    "Row %(row)s matches %(count)s different customers (%(matches)s): split or correct it.",
                    row=index + 1,
                    count=len(ambiguous),
                    matches=self._pool_describe_matches(ambiguous),
                )
            elif not target._filtered_access("write"):
                rejected[index] = self.env._(
                    "Row %(row)s is %(customer)s (same %(keys)s), which you may not change.",
                    row=index + 1,
                    customer=self._pool_describe_matches([target]),
                    keys=", ".join(reasons),
                )
            else:
                updates[index] = target.id
        new_rows = [index for index in converted if index not in matches]
        outcomes = self._pool_import_gate([converted[index] for index in new_rows], [data[i] for i in new_rows], fields)
        for index, verdict in zip(new_rows, outcomes, strict=True):
            if verdict and verdict[0] == "reject":
                rejected[index] = self.env._("Row %(row)s: %(reason)s", row=index + 1, reason=verdict[1])
            elif verdict:
                warnings[index] = self.env._("Row %(row)s: %(reason)s", row=index + 1, reason=verdict[1])
        creates = [index for index in range(len(data)) if index not in rejected and index not in updates]
        return self._pool_import_batches(fields, data, creates, updates), updates, warnings, rejected

    @api.model
    def _pool_import_result(self, fields, data, updates, warnings, rejected, messages, ids_by_row, failed):
        """What ``load`` returns: the ids in the file's order, a summary, a message per row left out or
        warned of, and the file of the rows left out."""
        summary = []
        if updates and not failed:
            summary.append(
                {
                    "type": "info",
                    "message": self.env._(
                        "1 existing customer updated (same id, USCC, phone or e-mail); an import never changes "
                        "its owner, pool or source."
                    )
                    if len(updates) == 1
                    else self.env._(
                        "%s existing customers updated (same id, USCC, phone or e-mail); an import never changes "
                        "their owner, pool or source.",
                        len(updates),
                    ),
                }
            )
        rejected_file = self._pool_import_rejected_file(fields, data, rejected) if rejected and not failed else None
        if rejected_file:
            summary.append(rejected_file)
        row_messages = [
            {"type": "warning", "record": index, "rows": {"from": index, "to": index}, "message": text}
            for index, text in sorted({**warnings, **rejected}.items())
        ]
        result = {
            "ids": False if failed else [ids_by_row[row] for row in sorted(ids_by_row)],
            "messages": summary + row_messages + messages,
            "nextrow": 0,
        }
        if rejected_file:
            result["pool_rejected_attachment_id"] = rejected_file["attachment_id"]
        return result

    @api.model
    def _pool_import_convert(self, fields, data):
        """{row index: converted values} of the rows Odoo can convert (the others fail in ``load``)."""
        paths = [fix_import_export_id_paths(field) for field in fields]
        model = self.with_context(import_flush=lambda **kwargs: None, import_cache=LRU(1024))
        ignored = []
        converted = {}
        records = model._extract_records(paths, data, log=ignored.append)
        for dbid, xid, vals, info in model._convert_records(records, log=ignored.append):
            index = info["rows"]["from"]
            if xid:
                record = self.env.ref(xid if "." in xid else f"__import__.{xid}", raise_if_not_found=False)
                dbid = record.id if record and record._name == self._name else False
            vals["id"] = dbid or False
            converted[index] = vals
        return converted

    @api.model
    def _pool_import_matches(self, fields, data, converted):
        """{row index: (existing customer in sudo, reasons, ambiguous customers)} for the rows that are
        an existing managed customer: by the row's id, else by USCC, a phone or the e-mail, one query."""
        columns = {name: fields.index(name) for name in IDENTITY_FIELDS if name in fields}
        probes = {
            index: matching.fingerprint(
                {name: row[col] if isinstance(row[col], str) else "" for name, col in columns.items()}
            )
            for index, row in enumerate(data)
        }
        keys = defaultdict(set)
        for probe in probes.values():
            for key in ("vat", "email"):
                if probe.get(key):
                    keys[key].add(probe[key])
            keys["phones"].update(probe.get("phones", ()))
        by_key = defaultdict(set)
        if any(keys.values()):
            self.flush_model(["pool_vat_key", "pool_email_key", "pool_phone_keys", "pool_state", "active"])
            self.env.cr.execute(
                """
                SELECT id, pool_phone_keys, pool_email_key, pool_vat_key
                  FROM res_partner
                 WHERE pool_state IS NOT NULL AND active
                   AND (pool_vat_key = ANY(%(vat)s) OR pool_email_key = ANY(%(email)s)
                        OR (pool_phone_keys IS NOT NULL
                            AND string_to_array(pool_phone_keys, ' ') && %(phones)s::text[]))
                """,
                {"vat": list(keys["vat"]), "email": list(keys["email"]), "phones": list(keys["phones"])},
            )
            for partner_id, phones, email, vat in self.env.cr.fetchall():
                by_key["vat", vat].add(partner_id)
                by_key["email", email].add(partner_id)
                for phone in (phones or "").split():
                    by_key["phones", phone].add(partner_id)
        Partner = self.sudo()
        matches = {}
        for index, probe in probes.items():
            row_id = converted.get(index, {}).get("id")
            if row_id:
                target = Partner.browse(row_id)
                if target.exists() and target.pool_state:
                    matches[index] = (target, [self.env._("id")], [])
                continue
            found = defaultdict(list)
            for key in UPDATE_KEYS:
                values = probe.get(key) or ()
                for value in values if key == "phones" else (values,):
                    for partner_id in by_key.get((key, value), ()):
                        found[partner_id].append(key)
            if not found:
                continue
            labels = {"vat": self.env._("USCC"), "email": self.env._("e-mail"), "phones": self.env._("phone")}
            if len(found) > 1:
                matches[index] = (Partner, [], [Partner.browse(partner_id) for partner_id in sorted(found)])
            else:
                (partner_id, reasons), *_rest = found.items()
                matches[index] = (
                    Partner.browse(partner_id),
                    [labels[reason] for reason in dict.fromkeys(reasons)],
                    [],
                )
        return {index: (target.with_env(self.env), *rest) for index, (target, *rest) in matches.items()}

    @api.model
    def _pool_import_gate(self, vals_list, rows, fields):
        """('reject' | 'warn', message) or None per new row, as the duplicate gate judges it."""
        values = []
        for vals, row in zip(vals_list, rows, strict=True):
            identity = {
                name: row[fields.index(name)] if name in fields and isinstance(row[fields.index(name)], str) else ""
                for name in IDENTITY_FIELDS
            }
            values.append({**vals, **identity})
        return self._pool_gate_outcomes(values, [bool(vals.get("pool_id")) for vals in values])

    @api.model
    def _pool_import_batches(self, fields, data, creates, updates):
        """(row indexes, fields, data) per call of ``load``: the new rows as they are, then the updates
        by database id, grouped by the cells they fill (an empty cell leaves a customer's value)."""
        batches = []
        if creates:
            batches.append((creates, list(fields), [data[index] for index in creates]))
        allowed = [
            position
            for position, field in enumerate(fields)
            if field not in ("id", ".id")
            and field.split("/")[0] not in UPDATE_FORBIDDEN
            and not field.split("/")[0].startswith("pool_")
        ]
        groups = defaultdict(list)
        for index in sorted(updates):
            filled = tuple(position for position in allowed if data[index][position] not in (None, "", False))
            groups[filled].append(index)
        for filled, rows in groups.items():
            batches.append(
                (
                    rows,
                    [fields[position] for position in filled] + [".id"],
                    [[data[index][position] for position in filled] + [str(updates[index])] for index in rows],
                )
            )
        return batches

    @api.model
    def _pool_import_remap(self, message, rows):
        """A message of one ``load`` call, its row numbers pointed back into the file."""
        message = dict(message)
        if isinstance(message.get("record"), int) and message["record"] < len(rows):
            message["record"] = rows[message["record"]]
        span = message.get("rows")
        if span and isinstance(span.get("from"), int) and 0 <= span["from"] < len(rows):
            to = span.get("to", span["from"])
            message["rows"] = {
                "from": rows[span["from"]],
                "to": rows[to] if isinstance(to, int) and 0 <= to < len(rows) else rows[span["from"]],
            }
        return message

    @api.model
    def _pool_import_rejected_file(self, columns, data, rejected):
        """The rows left out, as a CSV file with a reason per row the importer alone may download."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*columns, self.env._("Reason")])
        for index in sorted(rejected):
            writer.writerow([*("" if cell in (None, False) else cell for cell in data[index]), rejected[index]])
        name = self.env._("rejected_rows_%s.csv", fields.Datetime.now().strftime("%Y%m%d_%H%M%S"))
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "type": "binary",
                "datas": base64.b64encode(("\ufeff" + buffer.getvalue()).encode()),
                "mimetype": "text/csv",
            }
        )
        url = f"/web/content/{attachment.id}?download=true"
        # The importer is the current user, whom Odoo does not notify of their own doings unless told.
        self.env["mail.thread"].sudo().with_context(mail_notify_author=True).message_notify(
            partner_ids=self.env.user.partner_id.ids,
            author_id=self.env.ref("base.partner_root").id,
            subject=self.env._("1 imported row was left out")
            if len(rejected) == 1
            else self.env._("%s imported rows were left out", len(rejected)),
            body=self.env._(
                "The rows left out of your import, with a reason per row, are attached: fix and import them again."
            ),
            attachment_ids=attachment.ids,
        )
        return {
            "type": "warning",
            "message": self.env._(
                "1 row was not imported; download it with its reason from %(url)s (also sent to your inbox).", url=url
            )
            if len(rejected) == 1
            else self.env._(
                "%(count)s rows were not imported; download them with a reason per row from %(url)s (also sent "
                "to your inbox).",
                count=len(rejected),
                url=url,
            ),
            "moreinfo": {"type": "ir.actions.act_url", "url": url, "target": "download"},
            "attachment_id": attachment.id,
        }
