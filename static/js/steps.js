// cancelflow: following the steps. Tick steps off (kept in this browser, per page, so a
// reload keeps them), copy an email template, and print every email template open.
// The page is complete without this script: it only adds to it.
(function () {
  "use strict";

  var PREFIX = "cancelflow:done:";
  var COPIED_FOR_MS = 2500;

  // The words of the page's language, from Django's JavaScript catalog (jsi18n/) when the
  // page loads it; English, as written here, when it does not.
  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }

  function pgettext(context, text) {
    return window.pgettext ? window.pgettext(context, text) : text;
  }

  function ngettext(singular, plural, count) {
    if (window.ngettext) {
      return window.ngettext(singular, plural, count);
    }
    return count === 1 ? singular : plural;
  }

  function interpolate(format, values) {
    if (window.interpolate) {
      return window.interpolate(format, values, true);
    }
    return format.replace(/%\((\w+)\)s/g, function (match, name) {
      return String(values[name]);
    });
  }

  function storageKey() {
    return PREFIX + window.location.pathname;
  }

  function loadDone() {
    try {
      var value = JSON.parse(window.localStorage.getItem(storageKey()) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return []; // storage disabled or full: ticking still works until the page is left
    }
  }

  function saveDone(ids) {
    try {
      if (ids.length) {
        window.localStorage.setItem(storageKey(), JSON.stringify(ids));
      } else {
        window.localStorage.removeItem(storageKey());
      }
    } catch (error) {
      /* nothing to do: see loadDone */
    }
  }

  function progressText(done, total) {
    if (done === total) {
      return interpolate(
        ngettext("All %(total)s step done", "All %(total)s steps done", total),
        { total: total },
      );
    }
    return interpolate(gettext("%(done)s of %(total)s done"), { done: done, total: total });
  }

  // The steps of a flow (not the reference lists on a channel page) get a "Done" box each.
  function enhanceSteps(root) {
    var list = root.querySelector(".flow-state ol.steps");
    if (!list || list.dataset.ticks === "on") {
      return;
    }
    var items = Array.prototype.filter.call(list.children, function (item) {
      return item.matches("li.step[id]");
    });
    if (!items.length) {
      return;
    }
    list.dataset.ticks = "on";
    var done = loadDone();
    var boxes = [];

    var progress = document.createElement("p");
    progress.className = "steps-progress";

    function update() {
      var ids = boxes
        .filter(function (box) {
          return box.checked;
        })
        .map(function (box) {
          return box.value;
        });
      saveDone(ids);
      progress.textContent = progressText(ids.length, boxes.length);
      items.forEach(function (item, index) {
        item.classList.toggle("is-done", boxes[index].checked);
      });
    }

    items.forEach(function (item, index) {
      var box = document.createElement("input");
      box.type = "checkbox";
      box.id = "done-" + item.id;
      box.value = item.id;
      box.checked = done.indexOf(item.id) !== -1;
      box.addEventListener("change", update);
      boxes.push(box);

      var label = document.createElement("label");
      label.className = "tick";
      label.htmlFor = box.id;
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + interpolate(gettext("(step %(number)s)"), { number: index + 1 });
      label.append(box, " " + pgettext("a step of the flow", "Done"), hidden);
      item.appendChild(label);
    });

    // Set before the region is in the page, so only changes are announced.
    update();
    progress.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(progress, list);
  }

  var copyText = window.cancelflowCopyText;

  // Each email template gets a "Copy the email" button beside its mailto link.
  function enhanceEmails(root) {
    root.querySelectorAll(".email-template").forEach(function (template) {
      var body = template.querySelector(".email-body");
      if (!body || template.querySelector(".copy-email")) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-email button-secondary";
      button.textContent = gettext("Copy the email");
      var status = document.createElement("span");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        copyText(body.textContent.trim()).then(
          function () {
            status.textContent = gettext("Copied. Paste it into your email.");
            window.setTimeout(function () {
              status.textContent = "";
            }, COPIED_FOR_MS);
          },
          function () {
            status.textContent = gettext(
              "Could not copy: select the text and copy it yourself.",
            );
          },
        );
      });
      var actions = document.createElement("p");
      actions.className = "email-actions";
      actions.append(button, " ", status);
      body.insertAdjacentElement("afterend", actions);
    });
  }

  function enhance(root) {
    enhanceSteps(root);
    enhanceEmails(root);
  }

  // Printing: show every email template, then close again those that were closed.
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(
      document.querySelectorAll("details.email-template"),
      function (details) {
        return !details.open;
      },
    );
    closedForPrint.forEach(function (details) {
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (details) {
      details.open = false;
    });
    closedForPrint = [];
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "flow") {
      enhance(target);
    }
  });

  // Back and Forward: htmx restores a snapshot of the page as it was, additions included
  // but without their listeners. Take them out and add them afresh.
  document.addEventListener("htmx:historyRestore", function () {
    document.querySelectorAll(".tick, .steps-progress, .email-actions").forEach(function (node) {
      node.remove();
    });
    document.querySelectorAll("[data-ticks]").forEach(function (list) {
      delete list.dataset.ticks;
    });
    document.querySelectorAll("li.step.is-done").forEach(function (item) {
      item.classList.remove("is-done");
    });
    enhance(document);
  });

  enhance(document);
})();
