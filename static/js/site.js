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

  // A request htmx cannot show (a page that no longer exists, a server error): load it as a
  // normal page, so the visitor sees the site's own error page instead of nothing.
  document.addEventListener("htmx:responseError", function (event) {
    const path = event.detail && event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (path && event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      window.location.assign(path);
    }
  });
})();
