/*
 * Drag-and-drop for the admin's ordered inlines (a fieldset with the class "cf-ordered",
 * set in guides/admin/forms.py). Each row gets a handle; dropping a row writes the new
 * order into the position inputs (1, 2, …), and the server saves whatever they say. Without
 * JavaScript, or from the keyboard, an editor types the positions. A row added with "Add
 * another" takes the next number.
 *
 * Django's inlines.js renames the rows by their place in the page when an unsaved row is
 * removed, so the rows are put back in form order just before that, and in position order
 * just after. A static file with no inline script or style: the strict CSP holds.
 */
"use strict";
{
    const GROUP = "fieldset.cf-ordered";
    const isRow = (el) => el.matches("tr.form-row:not(.empty-form)");
    const rowsOf = (tbody) => Array.from(tbody.children).filter(isRow);
    const inputOf = (row) => row.querySelector("td.field-position input");
    // A row travels with the row of errors Django shows just above it.
    const unitOf = (row) => {
        const above = row.previousElementSibling;
        return above && above.matches("tr.row-form-errors") ? [above, row] : [row];
    };
    const number = (row) => {
        const found = Number.parseInt(inputOf(row)?.value, 10);
        return Number.isNaN(found) ? Number.MAX_SAFE_INTEGER : found;
    };

    // Put the rows in the order of `key` (a stable sort), before the template row.
    function arrange(tbody, key) {
        const end = tbody.querySelector(":scope > tr.empty-form");
        const rows = rowsOf(tbody).sort((a, b) => key(a) - key(b));
        for (const row of rows) {
            for (const el of unitOf(row)) {
                tbody.insertBefore(el, end);
            }
        }
    }

    let drag = null;

    document.addEventListener("dragstart", (event) => {
        const handle = event.target instanceof Element && event.target.closest(".cf-handle");
        if (!handle || !handle.closest(GROUP)) {
            return;
        }
        const row = handle.closest("tr");
        drag = {row, moved: false};
        row.classList.add("cf-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", "");
        event.dataTransfer.setDragImage(row, 0, 0);
    });

    document.addEventListener("dragover", (event) => {
        const target = drag && event.target instanceof Element && event.target.closest("tr");
        if (!target || target.parentElement !== drag.row.parentElement || !isRow(target)) {
            return;
        }
        event.preventDefault(); // a row of the same list: a place to drop
        if (target === drag.row) {
            return;
        }
        const box = target.getBoundingClientRect();
        const below = event.clientY > box.top + box.height / 2;
        const before = below ? target.nextElementSibling : unitOf(target)[0];
        for (const el of unitOf(drag.row)) {
            target.parentElement.insertBefore(el, before);
        }
        drag.moved = true;
    });

    document.addEventListener("drop", (event) => {
        if (drag) {
            event.preventDefault();
        }
    });

    document.addEventListener("dragend", () => {
        if (!drag) {
            return;
        }
        const {row, moved} = drag;
        drag = null;
        row.classList.remove("cf-dragging");
        if (moved) {
            rowsOf(row.parentElement).forEach((each, i) => {
                const input = inputOf(each);
                if (input) {
                    input.value = String(i + 1);
                }
            });
        }
    });

    document.addEventListener("formset:added", (event) => {
        const row = event.target;
        const input = row instanceof Element && row.closest(GROUP) && inputOf(row);
        if (input) {
            const taken = rowsOf(row.parentElement).filter((other) => other !== row).map(number);
            const highest = taken.filter((n) => n < Number.MAX_SAFE_INTEGER);
            input.value = String(Math.max(0, ...highest) + 1);
        }
    });

    // Removing an unsaved row: form order for Django's renaming, then position order again.
    const formIndex = (row) => Number(/-(\d+)$/.exec(row.id)?.[1] ?? Number.MAX_SAFE_INTEGER);
    let removing = null;
    document.addEventListener("click", (event) => {
        const link = event.target instanceof Element && event.target.closest(".inline-deletelink");
        removing = link && link.closest(`${GROUP} tbody`);
        if (removing) {
            arrange(removing, formIndex);
        }
    }, true);
    document.addEventListener("click", () => {
        if (removing) {
            arrange(removing, number);
            removing = null;
        }
    });

    function init() {
        for (const cell of document.querySelectorAll(`${GROUP} td.field-position`)) {
            const handle = document.createElement("span");
            handle.className = "cf-handle";
            handle.draggable = true;
            handle.title = "Drag to reorder";
            handle.setAttribute("aria-hidden", "true");
            handle.textContent = "\u2630";
            cell.prepend(handle); // the template row's too, so that added rows have one
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
