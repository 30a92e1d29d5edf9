/** @odoo-module **/
// Pool customers move only through the pool's actions: their lists and forms offer no
// Duplicate, and Archive only to pool managers (archiving takes a customer out of the rules).
// An action is offered only where it can succeed: a header button of the list shows when its
// `invisible` holds for none of the selected rows (the same computed fields the form uses, from
// the checks the methods make), and actions that write the records (marked `pool_needs_write`
// by the server, such as the vCard download) only on customers the user may write.
import {onWillStart} from "@odoo/owl";
import {user} from "@web/core/user";
import {evaluateBooleanExpr} from "@web/core/py_js/py";
import {patch} from "@web/core/utils/patch";
import {FormController} from "@web/views/form/form_controller";
import {ListController} from "@web/views/list/list_controller";

function poolActions(selectedRecords) {
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
        get actionMenuItems() {
            const items = super.actionMenuItems;
            const records = selectedRecords(this);
            if (!records.every((record) => record.data.pool_may_write !== false)) {
                items.action = items.action.filter(
                    (action) => !action.pool_needs_write
                );
            }
            return items;
        },
    };
}

patch(
    FormController.prototype,
    poolActions((controller) => (controller.model.root ? [controller.model.root] : []))
);
patch(
    ListController.prototype,
    poolActions((controller) => controller.model.root.selection)
);

patch(ListController.prototype, {
    evalViewModifier(modifier) {
        if (!this.poolScreen || !modifier) {
            return super.evalViewModifier(...arguments);
        }
        const selection = this.model.root.selection;
        if (!selection.length) {
            return true;
        }
        return selection.some((record) =>
            evaluateBooleanExpr(modifier, record.evalContext)
        );
    },
});
