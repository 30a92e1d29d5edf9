{
    "name": "CRM Public Pool - Sales Orders",
    "summary": "Low-revenue recycle rules count confirmed sales orders",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm_public_pool", "sale_crm"],
    "demo": ["demo/crm_public_pool_rule_demo.xml"],
    "auto_install": True,
}
