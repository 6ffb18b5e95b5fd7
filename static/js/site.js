// cancelflow: small enhancements on top of pages that work without JavaScript.
// After htmx swaps the flow region: move focus to the new heading, announce it to screen
// readers, and keep the document title in step with the state shown.
(function () {
  "use strict";

  function settleFlow(region) {
    const state = region.querySelector(".flow-state");
    const heading = region.querySelector("#flow-heading");
    if (state && state.dataset.title) {
      document.title = state.dataset.title;
    }
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start", behavior: "auto" });
      const status = document.getElementById("flow-status");
      if (status) {
        status.textContent = heading.textContent.trim();
      }
    }
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail && event.detail.target;
    if (target && target.id === "flow") {
      settleFlow(target);
    }
    // Search as you type: focus stays in the box; the count of results is announced.
    if (target && target.id === "search-results") {
      const count = target.querySelector(".results-count");
      const status = document.getElementById("flow-status");
      if (status) {
        status.textContent = count ? count.textContent.trim() : "";
      }
    }
  });

  // A visitor whose browser prefers another language of the site is offered this page in
  // it: a link in their own language (templates/_languages.html), never a switch. The page
  // itself never depends on the browser's language, so every cache can keep it.
  function suggestLanguage() {
    const box = document.querySelector(".language-suggestion");
    if (!box) {
      return;
    }
    const current = document.documentElement.lang;
    const wanted = navigator.languages || [navigator.language || ""];
    for (const tag of wanted) {
      const code = String(tag).toLowerCase().split("-")[0];
      if (code === current) {
        return; // the visitor reads this page's language
      }
      if (!/^[a-z]{2,3}$/.test(code)) {
        continue;
      }
      const link = box.querySelector('a[data-suggest="' + code + '"]');
      if (link) {
        link.hidden = false;
        box.hidden = false;
        return;
      }
    }
  }

  suggestLanguage();

  // When htmx changes the address (an answer of the flow, a search as you type), the links
  // to this page in other languages follow it: the same path under each language's prefix,
  // with the words of a search (cancelflow/languages.py does the same for a whole page).
  function followAddress() {
    const box = document.getElementById("languages");
    if (!box) {
      return;
    }
    const fallback = box.dataset.defaultLanguage || "en";
    const current = document.documentElement.lang;
    let path = window.location.pathname;
    if (current !== fallback && path.indexOf("/" + current + "/") === 0) {
      path = path.slice(current.length + 1);
    }
    const words = new URLSearchParams(window.location.search).get("q");
    const query = words ? "?" + new URLSearchParams({ q: words.slice(0, 100) }).toString() : "";
    box.querySelectorAll("a[hreflang]").forEach(function (link) {
      const code = link.getAttribute("hreflang");
      link.setAttribute("href", (code === fallback ? "" : "/" + code) + path + query);
    });
  }

  document.addEventListener("htmx:pushedIntoHistory", followAddress);
  document.addEventListener("htmx:replacedInHistory", followAddress);
  document.addEventListener("htmx:historyRestore", followAddress);

  // A request htmx cannot show (a page that no longer exists, a server error): load it as a
  // normal page, so the visitor sees the site's own error page instead of nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const path = event.detail && event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (path && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      window.location.assign(path);
    }
  });
})();

// Copy a text to the clipboard (a Promise), with the older way where the Clipboard API is
// missing; shared by the pages' scripts (steps.js, letter.js), loaded after this one.
window.cancelflowCopyText = function (text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text);
  }
  return new Promise(function (resolve, reject) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    area.remove();
    if (ok) {
      resolve();
    } else {
      reject(new Error("copy refused"));
    }
  });
};
