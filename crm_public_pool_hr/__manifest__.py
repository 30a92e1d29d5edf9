{
    "name": "CRM Public Pool - HR Departments",
    "summary": "Name department pool members by HR department (with sub-departments)",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm_public_pool", "hr"],
    "data": ["views/crm_public_pool_views.xml"],
    "auto_install": True,
}
