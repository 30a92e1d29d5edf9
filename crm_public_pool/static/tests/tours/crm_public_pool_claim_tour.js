/** @odoo-module **/

import {registry} from "@web/core/registry";

function assertText(selector, expected, message) {
    const element = document.querySelector(selector);
    const input = element && element.querySelector("input");
    const text = element && ((input && input.value) || element.textContent);
    if (!text || !text.includes(expected)) {
        throw new Error(
            `${message}: expected "${expected}" in ${selector}, got "${text}"`
        );
    }
}

registry.category("web_tour.tours").add("crm_public_pool_claim_tour", {
    url: "/odoo/action-crm_public_pool.action_pool_my_capacity",
    steps: () => [
        {
            content: "Capacity before the claim: nothing owned",
            trigger: ".o_kanban_record:contains(Tour Seller)",
            run() {
                assertText(".o_kanban_record", "Owned: 0", "owned before claim");
                assertText(".o_kanban_record", "none): 5", "limit");
            },
        },
        {
            content: "Open the pool customers",
            trigger: "body",
            run() {
                window.location.href =
                    "/odoo/action-crm_public_pool.action_pool_customers";
            },
        },
        {
            content: "The phone of a pooled customer is masked",
            trigger:
                ".o_data_row:contains(Tour Customer) td[name=phone]:contains(****)",
            run: "click",
        },
        {
            content: "Claim it from its form",
            trigger: ".o_form_view button[name=action_pool_claim]",
            run: "click",
        },
        {
            content: "Now owned: the real phone shows",
            trigger: ".o_form_view div[name=pool_status_box]:contains(Owner:)",
            run() {
                assertText(
                    ".o_field_widget[name=phone]",
                    "0013 8888",
                    "phone after claim"
                );
            },
        },
        {
            content: "Capacity after the claim",
            trigger: "body",
            run() {
                window.location.href =
                    "/odoo/action-crm_public_pool.action_pool_my_capacity";
            },
        },
        {
            content: "The gauge counts the claimed customer",
            trigger: ".o_kanban_record:contains(Tour Seller)",
            run() {
                assertText(".o_kanban_record", "Owned: 1", "owned after claim");
            },
        },
        {
            content: "Back to my customers",
            trigger: "body",
            run() {
                window.location.href =
                    "/odoo/action-crm_public_pool.action_pool_my_customers";
            },
        },
        {
            content: "Open the claimed customer",
            trigger: ".o_data_row:contains(Tour Customer) td[name=complete_name]",
            run: "click",
        },
        {
            content: "Release it",
            trigger: ".o_form_view button[name=action_pool_release_wizard]",
            run: "click",
        },
        {
            content: "Pick a reason",
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit No need",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains(No need)",
            run: "click",
        },
        {
            content: "Confirm the release",
            trigger: ".modal footer button[name=action_release]",
            run: "click",
        },
        {
            content: "Back in the pool",
            trigger: ".o_form_view div[name=pool_status_box]:contains(In pool for)",
        },
    ],
});
