/** @odoo-module **/
// Pool customers move only through the pool's actions: their lists and forms offer no
// Duplicate, and Archive only to pool managers (archiving takes a customer out of the rules).
import {onWillStart} from "@odoo/owl";
import {user} from "@web/core/user";
import {patch} from "@web/core/utils/patch";
import {FormController} from "@web/views/form/form_controller";
import {ListController} from "@web/views/list/list_controller";

function poolActions() {
    return {
        setup() {
            super.setup(...arguments);
            this.poolScreen =
                this.props.resModel === "res.partner" &&
                Boolean(this.props.context?.pool_manage);
            this.poolManager = false;
            if (this.poolScreen) {
                onWillStart(async () => {
                    this.poolManager = await user.hasGroup(
                        "crm_public_pool.group_pool_manager"
                    );
                });
            }
        },
        getStaticActionMenuItems() {
            const items = super.getStaticActionMenuItems(...arguments);
            if (this.poolScreen) {
                delete items.duplicate;
                if (!this.poolManager) {
                    delete items.archive;
                    delete items.unarchive;
                }
            }
            return items;
        },
    };
}

patch(ListController.prototype, poolActions());
patch(FormController.prototype, poolActions());
