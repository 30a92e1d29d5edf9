{
    "name": "CRM Public Pool - Time Off",
    "summary": "No customers are distributed, escalated or assigned to people on approved time off",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm_public_pool", "hr_holidays"],
    "auto_install": True,
}
