"""Make the addon's Odoo-free ``logic`` package importable without Odoo."""

import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "crm_public_pool"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))
