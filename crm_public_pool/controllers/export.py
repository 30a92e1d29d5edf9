"""A refused export is an answer to the user, not a fault of the server.

Odoo's export routes log every exception with its traceback as an ERROR. A pool's export ban
or daily view limit refuses an export with a UserError the user reads in the dialog: it is
logged as an INFO line, and the client gets the same error payload as before.
"""

import json
import logging

from werkzeug.exceptions import InternalServerError

from odoo import http
from odoo.exceptions import AccessError, UserError

from odoo.addons.web.controllers.export import CSVExport, ExcelExport

_logger = logging.getLogger(__name__)


def _export(controller, data):
    try:
        return controller.base(data)
    except (UserError, AccessError) as exc:
        _logger.info("Export refused: %s", exc)
        error = exc
    except Exception as exc:
        _logger.exception("Exception during request handling.")
        error = exc
    payload = json.dumps({"code": 200, "message": "Odoo Server Error", "data": http.serialize_exception(error)})
    raise InternalServerError(payload) from error


class PoolCSVExport(CSVExport):
    @http.route()
    def web_export_csv(self, data):
        return _export(self, data)


class PoolExcelExport(ExcelExport):
    @http.route()
    def web_export_xlsx(self, data):
        return _export(self, data)
