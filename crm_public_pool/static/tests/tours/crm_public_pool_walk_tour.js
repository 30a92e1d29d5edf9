/** @odoo-module **/
/* Walks every screen of the addon the user may open: each action (menus, dashboards, wizards),
 * each of its views, the first record's form, then records in each of their states, pressing
 * every button each shows (a list's header buttons on its first row, a card's buttons, a form's
 * header and smart buttons, each on a freshly opened record). Fails on an error dialog (client
 * or server error: a button offered where it cannot succeed), on a timestamp with seconds and,
 * when the test gives the English source terms of the addon, on any of them shown
 * untranslated, stored texts included (chatter lines, list cells, notes: "poolWalkPatterns").
 * The test stores in sessionStorage the actions to open ("poolWalkActions"), the records to
 * press the buttons of ("poolWalkRecords") and the terms.
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

// 09:12:42, 9:12:42 AM, 08时12分40秒: people read times to the minute.
const SECONDS = /\b\d{1,2}:\d{2}:\d{2}\b|\d{1,2}\s*时\s*\d{1,2}\s*分\s*\d{1,2}\s*秒/;

function checkSeconds(where) {
    for (const root of document.querySelectorAll(
        ".o_action_manager, .modal, .o_notification"
    )) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const parent = node.parentElement;
            if (!parent || parent.closest("script, style, .d-none")) {
                continue;
            }
            const match = node.textContent.match(SECONDS);
            if (match) {
                const named = parent.closest("[name]");
                const field = named ? named.getAttribute("name") : parent.className;
                throw new Error(
                    `${where}: a timestamp with seconds in ${field}: "${node.textContent.trim().slice(0, 120)}"`
                );
            }
        }
    }
}

function checkStoredTexts(where, patterns) {
    if (!patterns.length) {
        return;
    }
    for (const root of document.querySelectorAll(
        ".o_action_manager, .modal, .o_notification"
    )) {
        const text = root.innerText;
        for (const pattern of patterns) {
            const found = text.match(pattern);
            if (found) {
                throw new Error(`${where}: English text of the addon: "${found[0]}"`);
            }
        }
    }
}

// "45days left", "上海Website": a number glued to its unit, a city glued to a source, on a card.
const GLUED = /\d(?:days?|working)\b/;

function checkGlued(where) {
    for (const card of document.querySelectorAll(".o_pool_days_left, .o_pool_place")) {
        const text = card.innerText.trim();
        const glued = text.match(GLUED);
        const parts = [...card.querySelectorAll(":scope > span")].filter((span) =>
            span.innerText.trim()
        );
        // A city and a source shown together are kept apart by a separator.
        const touching =
            card.classList.contains("o_pool_place") &&
            parts.length > 1 &&
            !/\s/.test(text);
        if (glued || touching) {
            throw new Error(`${where}: words glued together on a card: "${text}"`);
        }
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

let PATTERNS = [];

async function visit(where, terms) {
    await settle();
    checkErrors(where);
    checkTranslated(where, terms);
    checkSeconds(where);
    checkGlued(where);
    checkStoredTexts(where, PATTERNS);
}

function visibleButtons(selector) {
    return [...document.querySelectorAll(selector)].filter(
        (button) => button.offsetParent !== null && !button.disabled
    );
}

function buttonKey(button) {
    return `${button.getAttribute("name") || ""}|${button.innerText.trim()}`;
}

// A dialog a button opened: a confirmation is confirmed, a wizard is looked at and closed.
async function handleDialogs(where, terms) {
    for (let i = 0; i < 3; i++) {
        const modal = document.querySelector(".modal:not(.o_inactive_modal)");
        if (!modal) {
            return;
        }
        await visit(where, terms);
        const confirm = !modal.querySelector(
            ".o_form_view, .o_list_view, .o_kanban_view"
        )
            ? modal.querySelector(".modal-footer .btn-primary")
            : null;
        if (confirm) {
            confirm.click();
            await visit(`${where} (confirmed)`, terms);
            continue;
        }
        await closeDialogs();
    }
}

// Presses each button ``open()`` shows, each on a fresh screen; returns how many were pressed.
async function pressEach(where, terms, open, selector) {
    await open();
    await visit(where, terms);
    const keys = visibleButtons(selector).map(buttonKey);
    let pressed = 0;
    for (const key of [...new Set(keys)]) {
        await closeDialogs();
        await open();
        await settle();
        const button = visibleButtons(selector).find((b) => buttonKey(b) === key);
        if (!button) {
            continue; // an earlier press changed the record: it no longer offers this one
        }
        button.click();
        const label = `${where}: button "${key.split("|")[1] || key}"`;
        await visit(label, terms);
        await handleDialogs(label, terms);
        await visit(label, terms);
        pressed++;
    }
    await closeDialogs();
    return pressed;
}

async function walkRecord(record, terms) {
    const where = `${record.model} #${record.id} (${record.label})`;
    const open = () =>
        env().services.action.doAction(
            {
                type: "ir.actions.act_window",
                res_model: record.model,
                res_id: record.id,
                views: [[false, "form"]],
                target: "current",
                context: record.context || {},
            },
            {clearBreadcrumbs: true}
        );
    return pressEach(
        where,
        terms,
        open,
        ".o_form_view .o_statusbar_buttons button[name], .o_form_view .oe_button_box button[name], .o_form_view .o_form_sheet .alert button[name]"
    );
}

async function pressListAndCards(action, terms) {
    const where = `action ${action.xmlid}`;
    let pressed = 0;
    const open = async (viewType) => {
        await env().services.action.doAction(action.xmlid, {
            clearBreadcrumbs: true,
            viewType,
        });
        await settle();
    };
    if (document.querySelector(".o_list_view .o_data_row")) {
        const selectFirst = async () => {
            await open("list");
            const box = document.querySelector(
                ".o_list_view .o_data_row .o_list_record_selector input"
            );
            if (box && !box.checked) {
                box.click();
                await settle();
            }
        };
        pressed += await pressEach(
            `${where} (first row selected)`,
            terms,
            selectFirst,
            ".o_list_selection_container button[name], .o_control_panel_actions button[name]"
        );
    }
    await open("kanban");
    if (
        document.querySelector(
            ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost) button[name]"
        )
    ) {
        pressed += await pressEach(
            `${where} (first card)`,
            terms,
            () => open("kanban"),
            ".o_kanban_view .o_kanban_record:not(.o_kanban_ghost):first-child button[name]"
        );
    }
    return pressed;
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
        const records = JSON.parse(sessionStorage.getItem("poolWalkRecords") || "[]");
        const terms = new Set(
            JSON.parse(sessionStorage.getItem("poolWalkTerms") || "[]")
        );
        PATTERNS = JSON.parse(sessionStorage.getItem("poolWalkPatterns") || "[]").map(
            (source) => new RegExp(source)
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
        return [
            ...actions.map((action) => ({
                content: `Open ${action.xmlid} (${action.name}) and each of its views`,
                trigger: ".o_main_navbar",
                timeout: 60000,
                async run() {
                    const screens = await walkAction(action, terms);
                    console.info(`walked ${action.xmlid}: ${screens} screens`);
                },
            })),
            ...actions
                .filter((action) => action.press)
                .map((action) => ({
                    content: `Press the buttons of ${action.xmlid}'s first row and first card`,
                    trigger: ".o_main_navbar",
                    timeout: 60000,
                    async run() {
                        const pressed = await pressListAndCards(action, terms);
                        console.info(`pressed ${pressed} buttons of ${action.xmlid}`);
                    },
                })),
            ...records.map((record) => ({
                content: `Press every button of ${record.model} #${record.id} (${record.label})`,
                trigger: ".o_main_navbar",
                timeout: 60000,
                async run() {
                    const pressed = await walkRecord(record, terms);
                    console.info(
                        `pressed ${pressed} buttons of ${record.model} #${record.id} (${record.label})`
                    );
                },
            })),
        ];
    },
});
