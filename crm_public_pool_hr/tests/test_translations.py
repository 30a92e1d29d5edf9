from odoo.tests import tagged

from odoo.addons.crm_public_pool.tests import test_i18n


@tagged("post_install", "-at_install")
class TestHrTranslations(test_i18n.TestTranslations):
    allow_inherited_tests_method = True
    MODULE = "crm_public_pool_hr"
