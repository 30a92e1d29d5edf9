"""What other models carry of a customer, and what was decided for each such field.

Odoo computes related fields as superuser, so a record the caller may read that holds a copy
of a customer's phone shows it whatever the customer's own rules say. The fields are found in
the loaded registry (``crm.public.pool.partner.copies``: related fields, computed fields through
their declared dependencies, stored copies); this table holds the decision for each one, and a
test fails on any field found that is not decided here.

Decisions:

- ``mask``: hidden (empty) on every read path of the model for a caller who may not see the
  customer whole (one they may not read, masked to them, or past the pool's daily view limit).
- ``link``: a relation to the customer itself: nobody may set it to a customer they may not
  see whole; the value shown is the customer's id and a name only for who may read it.
- ``shown``: derived only from what anyone who may read the record may know (the customer's
  name, counts, the company's own configuration chosen for it).
- ``name``: the customer's name (on the masking allow-list): shown to who may read the customer,
  ``Customer #id`` to others, as a many2one to it is named.
- ``own``: the partner is the user's or the company's own, never a managed customer.
"""

MASK = "mask"
LINK = "link"
SHOWN = "shown"
OWN = "own"
NAME = "name"
DECISION_KINDS = (MASK, LINK, SHOWN, OWN, NAME)

# Every field of these models copies the partner of a user or of a company (``_inherits``).
MODEL_DECISIONS = {
    "res.users": (OWN, "the user's own partner (``_inherits``): never a managed customer"),
    "res.company": (OWN, "the company's own partner: never a managed customer"),
}

_NAME = "the customer's name, which everyone who may read the record may know"
_ITS_NAME = "the customer's name: named only to who may read the customer"
_CONFIG = "the company's configuration chosen for the customer, not the customer's contact data"
_CONTACT = "the customer's contact data"

FIELD_DECISIONS = {
    # crm
    "crm.lead.email_from": (MASK, _CONTACT),
    "crm.lead.phone": (MASK, _CONTACT),
    "crm.lead.mobile": (MASK, _CONTACT),
    "crm.lead.street": (MASK, _CONTACT),
    "crm.lead.street2": (MASK, _CONTACT),
    "crm.lead.zip": (MASK, _CONTACT),
    "crm.lead.city": (MASK, _CONTACT),
    "crm.lead.state_id": (MASK, _CONTACT),
    "crm.lead.country_id": (MASK, _CONTACT),
    "crm.lead.website": (MASK, _CONTACT),
    "crm.lead.function": (MASK, _CONTACT),
    "crm.lead.contact_name": (MASK, "the name of the customer's contact person"),
    "crm.lead.title": (MASK, "the contact person's title"),
    "crm.lead.lang_id": (MASK, "the customer's language"),
    "crm.lead.partner_is_blacklisted": (MASK, "whether the customer's e-mail is blacklisted"),
    "crm.lead.partner_email_update": (MASK, "compares the lead's e-mail with the customer's"),
    "crm.lead.partner_phone_update": (MASK, "compares the lead's phone with the customer's"),
    "crm.lead.duplicate_lead_ids": (MASK, "leads found by the customer's e-mail and phone"),
    "crm.lead.duplicate_lead_count": (MASK, "leads found by the customer's e-mail and phone"),
    "crm.lead.email_normalized": (MASK, _CONTACT),
    "crm.lead.email_domain_criterion": (MASK, "the domain of the customer's e-mail"),
    "crm.lead.email_state": (MASK, "whether the customer's e-mail is valid"),
    "crm.lead.is_blacklisted": (MASK, "whether the customer's e-mail is blacklisted"),
    "crm.lead.phone_sanitized": (MASK, _CONTACT),
    "crm.lead.phone_state": (MASK, "whether the customer's phone is valid"),
    "crm.lead.phone_blacklisted": (MASK, "whether the customer's phone is blacklisted"),
    "crm.lead.mobile_blacklisted": (MASK, "whether the customer's mobile is blacklisted"),
    "crm.lead.phone_sanitized_blacklisted": (MASK, "whether the customer's phone is blacklisted"),
    "crm.lead.lang_code": (MASK, "the customer's language"),
    "crm.lead.lang_active_count": (SHOWN, "how many languages the database has"),
    "crm.lead.automated_probability": (SHOWN, "a score, not the customer's data"),
    "crm.lead.probability": (SHOWN, "a score, not the customer's data"),
    "crm.lead.show_enrich_button": (SHOWN, "whether the form offers lead enrichment"),
    "crm.lead.name": (SHOWN, _NAME),
    "crm.lead.partner_name": (SHOWN, _NAME),
    "crm.lead.company_id": (SHOWN, "the customer's company, on the allow-list"),
    "crm.lead.is_partner_visible": (SHOWN, "whether the form shows the customer field"),
    "crm.lead2opportunity.partner.duplicated_lead_ids": (MASK, "leads found by the customer's e-mail and phone"),
    "crm.lead2opportunity.partner.name": (SHOWN, "the conversion chosen (convert or merge)"),
    "crm.lead2opportunity.partner.mass.name": (SHOWN, "the conversion chosen (convert or merge)"),
    "crm.lead2opportunity.partner.mass.duplicated_lead_ids": (
        MASK,
        "leads found by the customer's e-mail and phone",
    ),
    # calendar
    "calendar.attendee.email": (MASK, _CONTACT),
    "calendar.attendee.phone": (MASK, _CONTACT),
    "calendar.attendee.common_name": (NAME, _ITS_NAME),
    "calendar.attendee.display_name": (NAME, _ITS_NAME),
    "calendar.event.invalid_email_partner_ids": (MASK, "which attendees' e-mails are invalid"),
    "calendar.event.unavailable_partner_ids": (MASK, "the attendees' other meetings"),
    "calendar.event.attendees_count": (SHOWN, "a count of the event's own attendees"),
    "calendar.event.accepted_count": (SHOWN, "a count of the event's own attendees"),
    "calendar.event.awaiting_count": (SHOWN, "a count of the event's own attendees"),
    "calendar.event.declined_count": (SHOWN, "a count of the event's own attendees"),
    "calendar.event.tentative_count": (SHOWN, "a count of the event's own attendees"),
    "calendar.event.is_organizer_alone": (SHOWN, "a fact about the event's own attendees"),
    "calendar.event.user_can_edit": (SHOWN, "whether the caller may edit the event"),
    # mail
    "mail.followers.email": (MASK, _CONTACT),
    "mail.followers.display_name": (NAME, _ITS_NAME),
    "mail.resend.partner.email": (MASK, _CONTACT),
    "mail.message.is_current_user_or_guest_author": (SHOWN, "whether the caller wrote the message"),
    "mail.message.starred": (SHOWN, "whether the caller starred the message"),
    "mail.notification.display_name": (NAME, _ITS_NAME),
    "discuss.channel.channel_partner_ids": (LINK, "the channel's members"),
    "res.users.settings.volumes.display_name": (NAME, _ITS_NAME),
    "snailmail.letter.display_name": (SHOWN, _NAME),
    "portal.wizard.user_ids": (SHOWN, "the portal users of the chosen contacts"),
    "portal.wizard.user.user_id": (SHOWN, "the portal user of the contact"),
    "payment.link.wizard.partner_email": (MASK, _CONTACT),
    "payment.link.wizard.link": (MASK, "a payment link carrying the customer's access token"),
    # sale
    "sale.order.partner_invoice_id": (LINK, "the customer's invoice address"),
    "sale.order.partner_shipping_id": (LINK, "the customer's delivery address"),
    "sale.order.partner_credit_warning": (MASK, "the customer's credit"),
    "sale.order.display_name": (SHOWN, _NAME),
    "sale.order.duplicated_order_ids": (SHOWN, "the caller's orders with the same reference"),
    "sale.order.fiscal_position_id": (SHOWN, _CONFIG),
    "sale.order.payment_term_id": (SHOWN, _CONFIG),
    "sale.order.pricelist_id": (SHOWN, _CONFIG),
    "sale.order.note": (SHOWN, "the company's terms and conditions"),
    "sale.order.team_id": (SHOWN, "the sales team of the customer's salesperson"),
    "sale.order.user_id": (SHOWN, "the customer's salesperson, on the allow-list"),
    "sale.order.line.analytic_distribution": (SHOWN, _CONFIG),
    "sale.order.line.display_name": (SHOWN, _NAME),
    # account
    "account.move.partner_shipping_id": (LINK, "the customer's delivery address"),
    "account.move.commercial_partner_id": (LINK, "the customer's company, on the allow-list"),
    "account.move.bank_partner_id": (LINK, "the partner whose bank accounts the invoice offers"),
    "account.move.partner_bank_id": (MASK, "the customer's bank account (vendor bills)"),
    "account.move.partner_credit": (MASK, "the customer's credit"),
    "account.move.partner_credit_warning": (MASK, "the customer's credit"),
    "account.move.abnormal_amount_warning": (SHOWN, "a warning about the invoice's own amounts"),
    "account.move.abnormal_date_warning": (SHOWN, "a warning about the invoice's own dates"),
    "account.move.display_name": (SHOWN, _NAME),
    "account.move.duplicated_ref_ids": (SHOWN, "invoices with the same reference"),
    "account.move.fiscal_position_id": (SHOWN, _CONFIG),
    "account.move.invoice_partner_display_name": (NAME, _ITS_NAME),
    "account.move.invoice_payment_term_id": (SHOWN, _CONFIG),
    "account.move.preferred_payment_method_line_id": (SHOWN, _CONFIG),
    "account.move.narration": (SHOWN, "the company's terms and conditions"),
    "account.move.tax_totals": (SHOWN, "the invoice's own amounts"),
    "account.move.line.analytic_distribution": (SHOWN, _CONFIG),
    # a bank statement line is an account.move (``_inherits``): the same decisions
    "account.bank.statement.line.invoice_partner_display_name": (NAME, _ITS_NAME),
    "account.bank.statement.line.partner_shipping_id": (LINK, "the customer's delivery address"),
    "account.bank.statement.line.commercial_partner_id": (LINK, "the customer's company, on the allow-list"),
    "account.bank.statement.line.bank_partner_id": (LINK, "the partner whose bank accounts the entry offers"),
    "account.bank.statement.line.partner_bank_id": (MASK, "the partner's bank account"),
    "account.bank.statement.line.partner_credit": (MASK, "the customer's credit"),
    "account.bank.statement.line.partner_credit_warning": (MASK, "the customer's credit"),
    "account.payment.partner_bank_id": (MASK, "the customer's bank account"),
    "account.payment.qr_code": (MASK, "a QR code of the customer's bank account"),
    "account.setup.bank.manual.config.acc_holder_name": (MASK, "the customer's bank account holder"),
    "account.analytic.account.display_name": (SHOWN, _NAME),
    "account.payment.available_partner_bank_ids": (MASK, "the customer's bank accounts"),
    "account.payment.destination_account_id": (SHOWN, _CONFIG),
    "account.payment.duplicate_payment_ids": (SHOWN, "payments with the same amount and date"),
    "account.payment.register.duplicate_payment_ids": (SHOWN, "payments with the same amount and date"),
    "base.document.layout.account_number": (OWN, "the company's own bank account"),
    "res.partner.bank.acc_holder_name": (MASK, "the customer's bank account holder"),
    "res.partner.bank.partner_customer_rank": (SHOWN, "how often the partner bought, not contact data"),
    "res.partner.bank.partner_supplier_rank": (SHOWN, "how often the partner sold, not contact data"),
    "product.supplierinfo.display_name": (SHOWN, _NAME),
    # hr: employees' own work contacts and work addresses
    "hr.employee.work_email": (OWN, "the employee's own work contact"),
    "hr.employee.mobile_phone": (OWN, "the employee's own work contact"),
    "hr.employee.work_phone": (OWN, "the company's work address"),
    "hr.employee.public.work_email": (OWN, "the employee's own work contact"),
    "hr.employee.public.mobile_phone": (OWN, "the employee's own work contact"),
    "hr.employee.public.work_phone": (OWN, "the company's work address"),
    # this addon: written access-aware
    "crm.public.pool.member_all_user_ids": (SHOWN, "the dealer's users, members of the pool"),
    "crm.public.pool.claim.request.display_name": (SHOWN, _NAME),
    "crm.public.pool.registration.can_appeal": (SHOWN, "computed as the caller, from what they may read"),
    "crm.public.pool.registration.can_review": (SHOWN, "computed as the caller, from what they may read"),
    "crm.public.pool.registration.partner_readable": (SHOWN, "computed as the caller, from what they may read"),
    "crm.public.pool.registration.comparison_html": (SHOWN, "computed as the caller, from what they may read"),
}

# Copies Odoo stores as plain values, which no dependency declares: masked like the ``mask``
# decisions, through the relation to the customer they were copied from.
STORED_COPIES = {
    # "Name <e-mail>" of the author, written when the message is posted (the customer's own mail),
    # and the reply address, the author's own when the database has no alias domain.
    "mail.message": {"email_from": ("author_id",), "reply_to": ("author_id",)},
    # The contact's e-mail, copied by the portal wizard as superuser (a stored compute) when it
    # lists the contacts given to it, hidden ones included, and whether it is valid or a user's.
    "portal.wizard.user": {"email": ("partner_id",), "email_state": ("partner_id",)},
}


def stored_copies(model):
    """{field name: relation to the customer} of the plain copies of ``model``."""
    return STORED_COPIES.get(model, {})


# Relations to a customer that a caller sets (attendees, followers, recipients, opportunities,
# orders, invoices): nobody may set them to a customer they may not see whole. Followers and
# recipients are set through ``message_subscribe``/``message_post``, checked there.
# (An opportunity's customer is checked by ``crm.lead._pool_check_customer``, with its own message.)
LINK_FIELDS = {
    "calendar.event": ("partner_ids",),
    "calendar.attendee": ("partner_id",),
    "discuss.channel.member": ("partner_id",),
    "mail.compose.message": ("partner_ids",),
    "sale.order": ("partner_id", "partner_invoice_id", "partner_shipping_id"),
    "account.move": ("partner_id", "partner_shipping_id"),
}


def decision(model, field):
    """(kind, why) decided for ``model.field``, or None if nobody decided."""
    if model in MODEL_DECISIONS:
        return MODEL_DECISIONS[model]
    return FIELD_DECISIONS.get(f"{model}.{field}")


def link_fields(model):
    """Relations of ``model`` to a customer that need reading it whole to be set."""
    fields = set(LINK_FIELDS.get(model, ()))
    fields.update(
        key.rsplit(".", 1)[1]
        for key, (kind, __) in FIELD_DECISIONS.items()
        if kind == LINK and key.rsplit(".", 1)[0] == model
    )
    return tuple(sorted(fields))
