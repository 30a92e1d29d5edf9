/** @odoo-module **/
/* The main flows of the pool as each role does them in the web client; tests/test_flows.py
 * prepares the records and starts them. */
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

function toast(text) {
    return {
        content: `A toast says: ${text}`,
        trigger: `.o_notification:contains(${text})`,
    };
}

tours.add("crm_public_pool_release_tour", {
    url: "/odoo/action-crm_public_pool.action_pool_my_customers",
    steps: () => [
        {
            content: "Open the customer to release",
            trigger: ".o_data_row:contains(Tour Release Co) .o_data_cell:first",
            run: "click",
        },
        {
            content: "Release it",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name=action_pool_release_wizard]",
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit No need",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(No need)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Budget frozen until next year",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_release]",
            run: "click",
        },
        toast("released"),
    ],
});

tours.add("crm_public_pool_register_appeal_tour", {
    url: "/odoo/action-crm_public_pool.action_pool_register_wizard",
    steps: () => [
        {
            content: "Type the prospect's name",
            trigger: ".modal .o_field_widget[name=name] input",
            async run(helpers) {
                await helpers.edit("厦门市海港物流有限公司");
                // Leaving the field commits it: the dialog looks the name up.
                this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The dialog shows the look-alike while typing",
            trigger: ".modal .o_field_widget[name=lookup_result]:contains(Near match)",
        },
        {
            content: "Register",
            trigger: ".modal button[name=action_register]",
            run: "click",
        },
        {
            content: "The registration says to appeal, and offers Appeal",
            trigger: ".o_form_view .alert:contains(appeal) ",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Appeal)",
            run: "click",
        },
        {
            content: "The dialog is titled Appeal",
            trigger: ".modal .modal-title:contains(Appeal):not(:contains(Reject))",
        },
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Another company: a different address and owner",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        toast("Appeal sent"),
        {
            content: "Now under review",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Appealed)",
        },
    ],
});

tours.add("crm_public_pool_assign_preview_tour", {
    steps: () => [
        {
            content: "Open the distribution",
            trigger: ".o_form_view button[name=action_open_assign_wizard]",
            run: "click",
        },
        {
            content: "Preview",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "Each member with load, limit and share",
            trigger:
                ".modal .o_field_widget[name=member_ids] .o_data_row:contains(Tour Full Seller):contains(At their limit)",
        },
        {
            content: "Who gets what",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "Distribute",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        toast("Customers placed"),
    ],
});

tours.add("crm_public_pool_requests_tour", {
    url: "/odoo/action-crm_public_pool.action_pool_claim_requests",
    steps: () => [
        {
            content: "Approve the first request",
            trigger:
                ".o_data_row:contains(Tour Request One) button[name=action_approve]",
            run: "click",
        },
        toast("approved"),
        {
            content: "Reject the second",
            trigger:
                ".o_data_row:contains(Tour Request Two) button[name=action_reject_wizard]",
            run: "click",
        },
        {
            content: "A rejection needs a reason",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Reserved for the key-account team",
        },
        {
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        toast("rejected"),
    ],
});

tours.add("crm_public_pool_recycle_tour", {
    steps: () => [
        {
            content: "Preview what the rules return today",
            trigger: ".o_form_view button[name=action_recycle_preview]",
            run: "click",
        },
        {
            content: "The due customer, with the reason",
            trigger:
                ".o_list_view .o_data_row:contains(Tour Silent Co):contains(no follow-up)",
        },
        {
            content: "Back to the pool",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb a:first",
            run: "click",
        },
        {
            content: "Recycle now",
            trigger: ".o_form_view button[name=action_recycle_now]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        toast("returned to the pool"),
    ],
});
