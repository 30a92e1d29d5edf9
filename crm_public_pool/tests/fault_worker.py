"""A separate Odoo process that the fault tests kill half-way through a move.

    python fault_worker.py recycle POOL_ID -- <odoo options>
    python fault_worker.py assign POOL_ID USER_ID PARTNER_ID... -- <odoo options>

``recycle`` runs the recycle job in batches of 2, printing ``committed N`` after each commit and
pausing, so the test can kill the process between two batches. ``assign`` assigns the customers
in one transaction and prints ``written`` once every customer row is updated (not committed),
then waits to be killed.
"""

import sys
import time


def say(line):
    """Tell the test how far the job got (it reads our stdout)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    split = sys.argv.index("--")
    args, odoo_args = sys.argv[1:split], sys.argv[split + 1 :]

    import odoo
    from odoo.tools import config

    config.parse_config(odoo_args, setup_logging=True)
    registry = odoo.modules.registry.Registry(config["db_name"])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        pool = env["crm.public.pool"].browse(int(args[1]))
        if args[0] == "recycle":
            Cron = type(env["ir.cron"])

            def progress(self, *, done, remaining, deactivate=False):
                say(f"committed {done}")
                time.sleep(0.5)

            Cron._notify_progress = progress
            pool._recycle_run(batch_size=2, commit=True)
            say("finished")
        elif args[0] == "assign":
            Partner = type(env["res.partner"])
            log_moves = Partner._pool_log

            def stall(self, logs, message=None, user=None):
                self.env.flush_all()
                say("written")
                time.sleep(120)
                return log_moves(self, logs, message, user)

            Partner._pool_log = stall
            pool.pool_assign([int(i) for i in args[3:]], int(args[2]))
            # A job of its own, like a cron worker: it commits its own work.
            cr.commit()  # pylint: disable=invalid-commit
            say("finished")


if __name__ == "__main__":
    main()
