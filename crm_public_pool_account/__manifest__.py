{
    "name": "CRM Public Pool - Invoices",
    "summary": "Low-revenue recycle rules count posted customer invoices net of credit notes",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm_public_pool", "account"],
    "auto_install": True,
}
