"""An activity's name (``mail.activity.res_name``, stored) was written before 18.0.1.5.0 as whoever
wrote the activity knew its customer: "Customer #id" on a To-Do a decline handed on to the next
candidate, a customer's real name on one assigned to someone who may not read it. The activities
of customers a pool manages are named again as their assignee knows them (an export and the
assignment e-mail read the stored name; the screens name each customer per reader).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    rename(api.Environment(cr, SUPERUSER_ID, {}))


def rename(env):
    """Name again the activities of managed customers whose stored name their assignee would not
    give them; return how many changed."""
    env.cr.execute(
        """
        SELECT a.id
          FROM mail_activity a
          JOIN res_partner p ON p.id = a.res_id
         WHERE a.res_model = 'res.partner' AND a.user_id IS NOT NULL AND p.pool_state IS NOT NULL
        """
    )
    activities = env["mail.activity"].browse(row[0] for row in env.cr.fetchall())
    before = {activity.id: activity.res_name for activity in activities}
    env.add_to_compute(activities._fields["res_name"], activities)
    activities.flush_recordset(["res_name"])
    return sum(1 for activity in activities if activity.res_name != before[activity.id])
