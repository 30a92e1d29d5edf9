from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from ..logic import matching

# Columns of an imported row that identify a company.
IDENTITY_FIELDS = ("name", "phone", "mobile", "email", "website", "vat")


# Kept apart from res_partner.py: the import concern is self-contained and that file is busy.
class ResPartner(models.Model):
    """Import into a pool: rows duplicating an existing customer are reported, not created."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def load(self, fields, data):
        self._pool_check_import_arguments(fields, data)
        if not self._pool_import_checks_duplicates(fields):
            return super().load(fields, data)
        duplicates = self._pool_import_duplicates(fields, data)
        kept = [index for index in range(len(data)) if index not in duplicates]
        result = super().load(fields, [data[index] for index in kept])
        # Messages of the created rows point into the kept rows: point them back into the file.
        for message in result.get("messages", []):
            if isinstance(message.get("record"), int) and message["record"] < len(kept):
                message["record"] = kept[message["record"]]
            rows = message.get("rows")
            if rows and rows.get("to", len(kept)) < len(kept):
                rows.update({"from": kept[rows["from"]], "to": kept[rows["to"]]})
        result["messages"] = [
            {
                "type": "warning",
                "record": index,
                "rows": {"from": index, "to": index},
                "message": self.env._(
                    "Row %(row)s (%(name)s) was not imported: it is the same customer as %(existing)s (same %(keys)s).",
                    row=index + 1,
                    name=data[index][fields.index("name")] if "name" in fields else "",
                    existing=existing,
                    keys=", ".join(reasons),
                ),
            }
            for index, (existing, reasons) in sorted(duplicates.items())
        ] + result.get("messages", [])
        return result

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
        """Only creations of single-line rows into a pool: no updates by id, no sub-records."""
        if not self.env.context.get("import_file"):
            return False
        roots = {field.split("/")[0] for field in fields}
        nested = any("/" in field and field.split("/", 1)[1] not in ("id", ".id") for field in fields)
        return "pool_id" in roots and not nested and not {"id", ".id"} & set(fields)

    @api.model
    def _pool_import_duplicates(self, fields, data):
        """{row index: (existing customer label, match reasons)} for rows matching a managed customer exactly.

        One query over the stored duplicate keys for the whole file.
        """
        columns = {name: fields.index(name) for name in IDENTITY_FIELDS if name in fields}
        probes = {
            index: matching.fingerprint({name: row[col] or "" for name, col in columns.items()})
            for index, row in enumerate(data)
        }
        keys = defaultdict(set)
        for probe in probes.values():
            for key in ("vat", "email", "domain", "name_norm"):
                if probe.get(key):
                    keys[key].add(probe[key])
            keys["phones"].update(probe.get("phones", ()))
        if not any(keys.values()):
            return {}
        self.flush_model(
            ["pool_vat_key", "pool_email_key", "pool_domain_key", "pool_name_key", "pool_phone_keys", "pool_state"]
        )
        self.env.cr.execute(
            """
            SELECT id, pool_name_key, pool_phone_keys, pool_email_key, pool_domain_key, pool_vat_key
              FROM res_partner
             WHERE pool_state IS NOT NULL
               AND (pool_vat_key = ANY(%(vat)s) OR pool_email_key = ANY(%(email)s)
                    OR pool_domain_key = ANY(%(domain)s) OR pool_name_key = ANY(%(name)s)
                    OR (pool_phone_keys IS NOT NULL AND string_to_array(pool_phone_keys, ' ') && %(phones)s::text[]))
             ORDER BY id
            """,
            {
                "vat": list(keys["vat"]),
                "email": list(keys["email"]),
                "domain": list(keys["domain"]),
                "name": list(keys["name_norm"]),
                "phones": list(keys["phones"]),
            },
        )
        candidates = [
            (
                partner_id,
                {
                    "name_norm": name,
                    "phones": tuple((phones or "").split()),
                    "email": email,
                    "domain": domain,
                    "vat": vat,
                },
            )
            for partner_id, name, phones, email, domain, vat in self.env.cr.fetchall()
        ]
        by_key = defaultdict(list)
        for partner_id, candidate in candidates:
            for key in ("vat", "email", "domain", "name_norm"):
                if candidate[key]:
                    by_key[key, candidate[key]].append((partner_id, candidate))
            for phone in candidate["phones"]:
                by_key["phones", phone].append((partner_id, candidate))
        found = {}
        for index, probe in probes.items():
            probe_keys = [(key, probe[key]) for key in ("vat", "email", "domain", "name_norm") if probe.get(key)]
            probe_keys += [("phones", phone) for phone in probe.get("phones", ())]
            for partner_id, candidate in sorted(
                {c[0]: c for k in probe_keys for c in by_key.get(k, ())}.values(), key=lambda c: c[0]
            ):
                verdict, reasons = matching.score_candidate(probe, candidate)
                if verdict == matching.EXACT:
                    found[index] = (partner_id, [reason for reason in reasons if "~" not in reason])
                    break
        partners = self.browse({partner_id for partner_id, _reasons in found.values()})
        readable = set(partners._filtered_access("read").ids)
        return {
            index: (
                self.browse(partner_id).sudo().display_name
                if partner_id in readable
                else self.env._("customer #%s", partner_id),
                reasons,
            )
            for index, (partner_id, reasons) in found.items()
        }
