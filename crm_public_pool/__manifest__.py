{
    "name": "CRM Public Pool",
    "summary": "Public customer pools (公海池): recycle neglected customers, "
    "claim within limits, distribute, register prospects, audit every move",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm", "utm"],
    "external_dependencies": {
        "python": ["phonenumbers", "opencc", "rapidfuzz", "python-stdnum"],
    },
    "data": [
        "security/crm_public_pool_security.xml",
        "security/ir.model.access.csv",
        "data/crm_public_pool_data.xml",
        "data/crm_public_pool_reason_data.xml",
        "views/crm_public_pool_views.xml",
        "views/crm_public_pool_log_views.xml",
        "views/crm_public_pool_reason_views.xml",
        "views/crm_public_pool_claim_request_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/crm_public_pool_release_wizard_views.xml",
        "wizard/crm_public_pool_transfer_wizard_views.xml",
        "wizard/crm_public_pool_departure_wizard_views.xml",
        "views/crm_public_pool_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_public_pool/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/crm_public_pool_demo.xml",
    ],
}
