"""Business rules of the public pool that need no database (importable without Odoo)."""
