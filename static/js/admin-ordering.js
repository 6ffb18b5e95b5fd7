/*
 * Reordering for the admin's tabular inlines that have a `position` column (their
 * fieldset has the class "cf-ordered", set in guides/admin.py).
 *
 * Each row gets a drag handle (pointer events: mouse, pen and touch) and "move up" /
 * "move down" buttons for the keyboard. Every move renumbers the position inputs 1..n in
 * the new visual order; the server saves whatever the inputs say, so without JavaScript
 * an editor types the positions instead. Rows added with "Add another" join at the end.
 *
 * Django's inlines.js renames the rows by their order in the page when an unsaved row is
 * removed, so the rows are put back in form order just before that happens, and into
 * position order again just after.
 *
 * A static file with no inline script or style, so the strict Content-Security-Policy holds.
 */
"use strict";
{
    const GROUP = "fieldset.cf-ordered";
    const ROW = "tr.form-row";

    const bodyOf = (group) => group.querySelector("table > tbody");
    const isFormRow = (el) => el.matches(ROW) && !el.classList.contains("empty-form");
    const rowsOf = (tbody) => Array.from(tbody.children).filter(isFormRow);
    const positionInput = (row) => row.querySelector("td.field-position input");

    function formIndex(row) {
        const match = /-(\d+)$/.exec(row.id);
        return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
    }

    function positionOf(row) {
        const input = positionInput(row);
        const value = input ? Number.parseInt(input.value, 10) : Number.NaN;
        return Number.isNaN(value) ? Number.MAX_SAFE_INTEGER : value;
    }

    // A row travels with the row of errors Django shows just above it.
    function unitOf(row) {
        const above = row.previousElementSibling;
        return above && above.classList.contains("row-form-errors") ? [above, row] : [row];
    }

    // Where rows end: before the template row and the "Add another" row.
    function endOf(tbody) {
        return Array.from(tbody.children).find((el) => !isFormRow(el) && el.matches(
            "tr.empty-form, tr.add-row")) || null;
    }

    function place(tbody, rows) {
        const units = rows.map(unitOf);
        const end = endOf(tbody);
        for (const unit of units) {
            for (const el of unit) {
                tbody.insertBefore(el, end);
            }
        }
    }

    function renumber(tbody) {
        rowsOf(tbody).forEach((row, i) => {
            const input = positionInput(row);
            if (input) {
                input.value = String(i + 1);
            }
        });
    }

    function announce(row, text) {
        const status = row.closest(GROUP).querySelector(".cf-order-status");
        if (status) {
            status.textContent = text;
        }
    }

    function announceMove(row) {
        const rows = rowsOf(row.parentElement);
        announce(row, `Moved to position ${rows.indexOf(row) + 1} of ${rows.length}.`);
    }

    function button(label, direction, symbol) {
        const el = document.createElement("button");
        el.type = "button";
        el.className = "cf-move";
        el.dataset.move = direction;
        el.setAttribute("aria-label", label);
        el.title = label;
        el.textContent = symbol;
        return el;
    }

    function enhance(row) {
        const cell = row.querySelector("td.field-position");
        if (!cell || cell.querySelector(".cf-order-controls")) {
            return;
        }
        const controls = document.createElement("span");
        controls.className = "cf-order-controls";
        const handle = document.createElement("span");
        handle.className = "cf-handle";
        handle.title = "Drag to reorder";
        handle.setAttribute("aria-hidden", "true");
        handle.textContent = "\u2630";
        controls.append(
            handle,
            button("Move up", "-1", "\u2191"),
            button("Move down", "1", "\u2193"),
        );
        cell.prepend(controls);
    }

    function init() {
        for (const group of document.querySelectorAll(GROUP)) {
            const tbody = bodyOf(group);
            if (!tbody) {
                continue;
            }
            group.classList.add("cf-js");
            for (const row of tbody.querySelectorAll(ROW)) {
                enhance(row); // the template row too, so that added rows have controls
            }
            const status = document.createElement("p");
            status.className = "cf-order-status cf-visually-hidden";
            status.setAttribute("aria-live", "polite");
            group.append(status);
        }
    }

    // Keyboard (and click): move a row one place up or down.
    document.addEventListener("click", (event) => {
        const control = event.target.closest(`${GROUP} button.cf-move`);
        if (!control) {
            return;
        }
        event.preventDefault();
        const row = control.closest(ROW);
        const tbody = row.parentElement;
        const rows = rowsOf(tbody);
        const from = rows.indexOf(row);
        const to = from + Number(control.dataset.move);
        if (from < 0 || to < 0 || to >= rows.length) {
            announce(row, from <= 0 ? "Already first." : "Already last.");
            return;
        }
        // Move the neighbour rather than this row, so that focus stays on the button.
        const neighbour = rows[to];
        if (to < from) {
            const after = row.nextElementSibling;
            for (const el of unitOf(neighbour)) {
                tbody.insertBefore(el, after);
            }
        } else {
            for (const el of unitOf(neighbour)) {
                tbody.insertBefore(el, unitOf(row)[0]);
            }
        }
        renumber(tbody);
        control.focus();
        announceMove(row);
    });

    // Dragging by the handle.
    let drag = null;

    document.addEventListener("pointerdown", (event) => {
        const handle = event.target.closest(`${GROUP} .cf-handle`);
        if (!handle || event.button !== 0) {
            return;
        }
        const row = handle.closest(ROW);
        if (!row || !isFormRow(row)) {
            return;
        }
        event.preventDefault();
        handle.setPointerCapture(event.pointerId);
        row.classList.add("cf-dragging");
        drag = {row, tbody: row.parentElement, pointerId: event.pointerId, moved: false};
    });

    document.addEventListener("pointermove", (event) => {
        if (!drag || event.pointerId !== drag.pointerId) {
            return;
        }
        event.preventDefault();
        const edge = 40;
        if (event.clientY < edge) {
            window.scrollBy(0, -12);
        } else if (event.clientY > window.innerHeight - edge) {
            window.scrollBy(0, 12);
        }
        const under = document.elementFromPoint(event.clientX, event.clientY);
        const target = under && under.closest(ROW);
        if (!target || target === drag.row || target.parentElement !== drag.tbody ||
            !isFormRow(target)) {
            return;
        }
        const box = target.getBoundingClientRect();
        const before = event.clientY < box.top + box.height / 2;
        const reference = before ? unitOf(target)[0] : target.nextElementSibling;
        if (reference === drag.row.nextElementSibling || unitOf(drag.row).includes(reference)) {
            return; // already there
        }
        for (const el of unitOf(drag.row)) {
            drag.tbody.insertBefore(el, reference);
        }
        drag.moved = true;
    });

    function endDrag(event) {
        if (!drag || event.pointerId !== drag.pointerId) {
            return;
        }
        const {row, tbody, moved} = drag;
        drag = null;
        row.classList.remove("cf-dragging");
        if (moved) {
            renumber(tbody);
            announceMove(row);
        }
    }

    document.addEventListener("pointerup", endDrag);
    document.addEventListener("pointercancel", endDrag);

    // "Add another": the new row goes last, so it takes the next position.
    document.addEventListener("formset:added", (event) => {
        const row = event.target;
        if (!(row instanceof Element) || !row.closest(GROUP)) {
            return;
        }
        enhance(row);
        const others = rowsOf(row.parentElement).filter((r) => r !== row);
        const highest = others.reduce((max, r) => {
            const position = positionOf(r);
            return position === Number.MAX_SAFE_INTEGER ? max : Math.max(max, position);
        }, 0);
        const input = positionInput(row);
        if (input) {
            input.value = String(highest + 1);
        }
    });

    // Removing an unsaved row: Django renames the rows by page order, so restore form
    // order first (capture phase runs before Django's handler) and position order after.
    document.addEventListener("click", (event) => {
        const link = event.target.closest(`${GROUP} a.inline-deletelink`);
        if (!link) {
            return;
        }
        const tbody = link.closest("tbody");
        place(tbody, rowsOf(tbody).sort((a, b) => formIndex(a) - formIndex(b)));
        window.setTimeout(() => {
            const byPosition = rowsOf(tbody)
                .map((row, i) => ({row, i}))
                .sort((a, b) => positionOf(a.row) - positionOf(b.row) || a.i - b.i)
                .map(({row}) => row);
            place(tbody, byPosition);
        }, 0);
    }, true);

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}
