/** @odoo-module **/
/* Walks every screen of the addon the user may open: each action (menus, dashboards, wizards),
 * each of its views, the first record's form. Fails on an error dialog (client or server
 * error) and, when the test gives the English source terms of the addon, on any of them shown
 * untranslated. The test stores in sessionStorage the actions to open ("poolWalkActions") and
 * the terms ("poolWalkTerms").
 */
import {registry} from "@web/core/registry";

const SKIPPED_TEXT = [
    ".o_field_widget", // data, not interface: customer names are Latin or Chinese
    ".o_data_cell",
    ".o-mail-Chatter",
    ".o_kanban_record .o_field_widget",
    ".o_searchview_facet .o_facet_value",
    ".o_pivot_header_cell_closed",
    ".o_pivot_header_cell_opened",
    ".o_graph_renderer canvas",
    ".o_group_name",
    ".o_column_title",
    ".o_pivot_measure_row",
    ".o_breadcrumb .o_last_breadcrumb_item", // the record's name
    ".o_kanban_record_title",
];

function env() {
    return odoo.__WOWL_DEBUG__.root.env;
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

async function settle() {
    let quiet = 0;
    for (let i = 0; i < 300 && quiet < 4; i++) {
        await sleep(100);
        const busy = document.querySelector(
            ".o_loading_indicator, .o_blockUI, .o_view_sample_data .fa-spin"
        );
        quiet = busy ? 0 : quiet + 1;
    }
}

function checkErrors(where) {
    const error = document.querySelector(".o_error_dialog, .o_dialog .o_error_detail");
    if (error) {
        const text = (error.closest(".modal") || error).innerText.slice(0, 600);
        throw new Error(`${where}: error dialog: ${text}`);
    }
}

function visibleTexts(root) {
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.textContent.trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest(SKIPPED_TEXT.join(","))) {
            continue;
        }
        if (parent.closest("script, style, .d-none, .o_invisible_modifier")) {
            continue;
        }
        texts.push(text);
    }
    for (const element of root.querySelectorAll(
        "[placeholder], [title], [data-tooltip]"
    )) {
        if (element.closest(".o-mail-Chatter")) {
            continue;
        }
        for (const attribute of ["placeholder", "title", "data-tooltip"]) {
            const value = element.getAttribute(attribute);
            if (value) {
                texts.push(value.trim());
            }
        }
    }
    return texts;
}

function checkTranslated(where, terms) {
    if (!terms.size) {
        return;
    }
    const roots = document.querySelectorAll(
        ".o_action_manager, .modal, .o_main_navbar"
    );
    const untranslated = new Set();
    for (const root of roots) {
        for (const text of visibleTexts(root)) {
            if (terms.has(text)) {
                untranslated.add(text);
            }
        }
    }
    if (untranslated.size) {
        throw new Error(
            `${where}: untranslated interface text: ${[...untranslated].join(" | ")}`
        );
    }
}

async function closeDialogs() {
    for (let i = 0; i < 5; i++) {
        const close = document.querySelector(
            ".modal .btn-close, .modal .o_form_button_cancel"
        );
        if (!close) {
            return;
        }
        close.click();
        await settle();
    }
}

async function visit(where, terms) {
    await settle();
    checkErrors(where);
    checkTranslated(where, terms);
}

async function walkAction(action, terms) {
    const where = `action ${action.xmlid}`;
    await closeDialogs();
    await env().services.action.doAction(action.xmlid, {clearBreadcrumbs: true});
    await visit(where, terms);
    if (document.querySelector(".modal")) {
        await closeDialogs();
        return 1;
    }
    let screens = 1;
    const switches = [
        ...document.querySelectorAll(".o_control_panel .o_switch_view"),
    ].map((button) =>
        [...button.classList].find(
            (name) => name.startsWith("o_") && name !== "o_switch_view"
        )
    );
    for (const viewClass of switches) {
        const button = document.querySelector(
            `.o_control_panel .o_switch_view.${viewClass}`
        );
        if (!button || button.classList.contains("active")) {
            continue;
        }
        button.click();
        await visit(`${where} (${viewClass})`, terms);
        screens++;
    }
    const first = document.querySelector(
        ".o_list_view .o_data_row .o_data_cell, .o_kanban_view .o_kanban_record:not(.o_kanban_ghost)"
    );
    if (
        first &&
        !document.querySelector(".o_list_view table.o_list_table[data-readonly]")
    ) {
        first.click();
        await visit(`${where} (first record)`, terms);
        await closeDialogs();
        screens++;
    }
    return screens;
}

registry.category("web_tour.tours").add("crm_public_pool_walk_tour", {
    url: "/odoo",
    steps: () => {
        const actions = JSON.parse(sessionStorage.getItem("poolWalkActions") || "[]");
        const terms = new Set(
            JSON.parse(sessionStorage.getItem("poolWalkTerms") || "[]")
        );
        if (!actions.length) {
            return [
                {
                    content: "The test names the actions to open",
                    trigger: "body",
                    run() {
                        throw new Error(
                            "no action to walk: the test stores them in sessionStorage"
                        );
                    },
                },
            ];
        }
        return actions.map((action) => ({
            content: `Open ${action.xmlid} (${action.name}) and each of its views`,
            trigger: ".o_main_navbar",
            timeout: 60000,
            async run() {
                const screens = await walkAction(action, terms);
                console.info(`walked ${action.xmlid}: ${screens} screens`);
            },
        }));
    },
});
