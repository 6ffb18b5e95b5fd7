// cancelflow: my cancellation plan and the record of a cancellation, kept in this browser.
// The pages are complete without this script: the plan lives in its page's address and the
// record in its form's. This keeps the plan between visits (and adds a steps page to it),
// carries the steps ticked on the steps pages (static/js/steps.js keeps them) into the plan
// and its address, and shows a record again when its page is opened without one.
(function () {
  "use strict";

  var PLAN_KEY = "cancelflow:plan";
  var DONE_PREFIX = "cancelflow:done:"; // as static/js/steps.js keeps them, by page path
  var RECORD_PREFIX = "cancelflow:record:";
  var MAX_GUIDES = 20;

  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
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

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null; // storage disabled: the address still holds everything
    }
  }

  function write(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* nothing to do: see read */
    }
  }

  // A plan is a list of entries as its address writes them: "provider/answers~region".
  function loadPlan() {
    var plan = read(PLAN_KEY);
    if (!Array.isArray(plan)) {
      return [];
    }
    return plan
      .filter(function (entry) {
        return typeof entry === "string" && entry.length < 300;
      })
      .slice(0, MAX_GUIDES);
  }

  function guideOf(entry) {
    return entry.split("~").filter(function (part) {
      return !/^[\d.]+$/.test(part); // the done steps are kept by steps.js, not here
    }).join("~");
  }

  function sameGuide(a, b) {
    return a.split("~")[0] === b.split("~")[0];
  }

  function planAddress(path, entries) {
    var query = entries
      .map(function (entry) {
        return "g=" + encodeURIComponent(entry).replace(/%2F/g, "/");
      })
      .join("&");
    return query ? path + "?" + query : path;
  }

  // A steps page: "Add to my plan" adds it to the plan kept here, then opens the plan.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.add-to-plan[data-plan-entry]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    var entry = link.dataset.planEntry;
    var plan = loadPlan().filter(function (other) {
      return !sameGuide(other, entry);
    });
    plan.push(entry);
    plan = plan.slice(-MAX_GUIDES);
    write(PLAN_KEY, plan);
    event.preventDefault();
    window.location.assign(planAddress(new URL(link.href).pathname, plan));
  });

  function stepIds(item) {
    return Array.prototype.map.call(item.querySelectorAll(".plan-step[data-step]"), function (step) {
      return step.dataset.step;
    });
  }

  // The plan page: its address is the plan. Keep it, and add the steps ticked here.
  function enhancePlan(page) {
    var params = new URLSearchParams(window.location.search);
    if (!params.has("g")) {
      var kept = loadPlan();
      if (kept.length) {
        window.location.replace(planAddress(window.location.pathname, kept));
      }
      return;
    }
    var items = Array.prototype.slice.call(page.querySelectorAll(".plan-guide[data-entry]"));
    write(
      PLAN_KEY,
      items.map(function (item) {
        return guideOf(item.dataset.entry);
      }),
    );
    var entries = [];
    var next = null;
    items.forEach(function (item) {
      var ids = stepIds(item);
      var key = DONE_PREFIX + item.dataset.stepsPath;
      var stored = read(key);
      var done = Array.isArray(stored) ? stored.slice() : [];
      item.querySelectorAll(".plan-step.is-done").forEach(function (step) {
        if (done.indexOf(step.dataset.step) === -1) {
          done.push(step.dataset.step);
        }
      });
      done = done.filter(function (id) {
        return ids.indexOf(id) !== -1;
      });
      if (done.length) {
        write(key, done); // the steps page shows them ticked too
      }
      item.querySelectorAll(".plan-step[data-step]").forEach(function (step) {
        var isDone = done.indexOf(step.dataset.step) !== -1;
        step.classList.toggle("is-done", isDone);
        var mark = step.querySelector(".plan-step-done");
        if (mark) {
          mark.hidden = !isDone;
        }
        if (!isDone && next === null) {
          next = { item: item, step: step };
        }
      });
      var progress = item.querySelector(".plan-progress");
      if (progress) {
        progress.textContent = interpolate(
          ngettext(
            "%(done)s of %(total)s step done",
            "%(done)s of %(total)s steps done",
            ids.length,
          ),
          { done: done.length, total: ids.length },
        );
      } else if (next === null) {
        next = { item: item, step: null }; // still needs an answer: the server says so
      }
      var marks = done
        .map(function (id) {
          return parseInt(id.replace("step-", ""), 10);
        })
        .sort(function (a, b) {
          return a - b;
        });
      var entry = guideOf(item.dataset.entry);
      entries.push(marks.length ? entry + "~" + marks.join(".") : entry);
    });
    var nextLine = page.querySelector(".plan-next");
    if (nextLine && next && next.step) {
      var link = next.step.querySelector("a");
      var name = next.item.querySelector("h2").textContent;
      var label = nextLine.querySelector("strong");
      nextLine.textContent = "";
      var target = document.createElement("a");
      target.href = link.getAttribute("href");
      target.textContent = name + ": " + link.textContent;
      nextLine.append(label || "", " ", target);
    } else if (nextLine && !next) {
      var all = document.createElement("strong");
      all.textContent = gettext("Every step of your plan is done.");
      nextLine.replaceChildren(all);
    }
    var address = planAddress(window.location.pathname, entries);
    window.history.replaceState(window.history.state, "", address);
    var share = page.querySelector(".plan-share-link");
    if (share) {
      share.href = window.location.origin + address;
    }
    var hidden = page.querySelectorAll(".plan-add input[type=hidden][name=g]");
    hidden.forEach(function (input, index) {
      if (entries[index]) {
        input.value = entries[index];
      }
    });
  }

  // The record of a cancellation: kept here once shown, shown again when its page is opened.
  function enhanceRecord(form) {
    var key = RECORD_PREFIX + form.getAttribute("action");
    var fields = ["cancelled_on", "reference"];
    if (document.querySelector(".record")) {
      var values = {};
      fields.forEach(function (name) {
        var input = form.elements[name];
        values[name] = input ? input.value : "";
      });
      write(key, values);
      return;
    }
    var params = new URLSearchParams(window.location.search);
    var kept = read(key);
    if (params.has("cancelled_on") || !kept || typeof kept !== "object") {
      return;
    }
    fields.forEach(function (name) {
      if (typeof kept[name] === "string") {
        params.set(name, kept[name].slice(0, 200));
      }
    });
    window.location.replace(form.getAttribute("action") + "?" + params.toString());
  }

  var plan = document.querySelector("[data-plan-page]");
  if (plan) {
    enhancePlan(plan);
  }
  var record = document.querySelector("form.record-form");
  if (record) {
    enhanceRecord(record);
  }
})();
