"""Won and lost opportunities of a customer that belongs to someone else now, or sits in the pool,
are detached from it (``crm.lead.pool_detached``): they keep their salesperson's credit and stop
taking the customer's phone and e-mail, as every move does from this version on (README,
"Opportunities follow their customer")."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE crm_lead l
           SET pool_detached = TRUE
          FROM res_partner lp JOIN res_partner p ON p.id = lp.commercial_partner_id
         WHERE l.partner_id = lp.id AND p.pool_state IS NOT NULL
           AND NOT (l.active AND NOT EXISTS (SELECT 1 FROM crm_stage s WHERE s.id = l.stage_id AND s.is_won))
           AND (p.user_id IS NULL OR l.user_id IS DISTINCT FROM p.user_id)
        """
    )
