{
    "name": "CRM Public Pool - Job Queue",
    "summary": "Run the pools' long work (recycle, distribution, escalation, imports) as OCA queue_job jobs",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-public-pool/crm_public_pool",
    "author": "crm_public_pool contributors",
    "maintainers": ["crm-public-pool"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["crm_public_pool", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "auto_install": True,
}
