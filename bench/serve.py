"""``odoo-bin`` for the benchmarks' servers, without the websocket process.

    python serve.py ODOO_BIN [odoo-bin options...]

Odoo's prefork server (``--workers``) starts ``odoo-bin gevent`` beside its workers, for the
web client's websockets, and restarts it whenever it exits. The benchmarks call JSON-RPC only.
Where that process cannot start (here: gevent's plugins look for ``zope.interface`` through
``pkg_resources``, which does not find the wheel's ``zope_interface`` metadata), the server
restarts it in a loop that costs about half a core of a 2-core machine, load that falls on the
measurements. Started through this file, the server starts this file for ``gevent``, which idles.
"""

import os
import sys
import time

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "gevent":
        while True:
            time.sleep(3600)
    # What odoo-bin does, with sys.argv[0] left as this file: the server starts
    # "sys.argv[0] gevent ..." for its websockets.
    odoo_bin = sys.argv.pop(1)
    os.environ["TZ"] = "UTC"
    sys.path.insert(0, os.path.dirname(os.path.abspath(odoo_bin)))
    import odoo  # noqa: PLC0415 - the Odoo tree is given on the command line

    odoo.cli.main()
