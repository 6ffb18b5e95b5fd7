// cancelflow: "It didn't work" writes the letter to the provider as the visitor types,
// here in the browser; nothing is sent anywhere. Without this script the form's GET writes
// the same letter on the server (guides/web/didnt_work.py), from the same sentences, which
// the page carries in data-sentence-* attributes. A sentence whose blank is empty is left
// out, so no placeholder is ever shown.
(function () {
  "use strict";

  var COPIED_FOR_MS = 2500;

  function gettext(text) {
    return window.gettext ? window.gettext(text) : text;
  }

  function fill(format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : "";
    });
  }

  // A box's value, or "" when it is too long or the browser cannot read it as valid.
  function valueOf(form, name) {
    var field = form.elements.namedItem(name);
    if (!field) {
      return "";
    }
    var value = field.value.trim();
    if (field.maxLength > 0 && value.length > field.maxLength) {
      return "";
    }
    if (field.validity && !field.validity.valid) {
      return "";
    }
    return value;
  }

  function dateOf(form) {
    var value = valueOf(form, "cancelled_on");
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) {
      return "";
    }
    var day = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (day.getMonth() !== Number(match[2]) - 1 || day > new Date() || Number(match[1]) < 1) {
      return "";
    }
    var language = document.documentElement.lang || "en";
    return new Intl.DateTimeFormat(language, {
      day: "numeric",
      month: "long",
      year: "numeric",
    }).format(day);
  }

  function write(form, output) {
    var sentence = function (key) {
      return output.getAttribute("data-sentence-" + key) || "";
    };
    var said = { provider: output.dataset.provider || "" };
    var name = valueOf(form, "name");
    var email = valueOf(form, "email");
    var order = valueOf(form, "order");
    var date = dateOf(form);
    var facts = [
      date
        ? fill(sentence("cancelled_on"), { provider: said.provider, date: date })
        : fill(sentence("cancelled"), said),
    ];
    if (email) {
      facts.push(fill(sentence("email"), { email: email }));
    }
    if (order) {
      facts.push(fill(sentence("order"), { order: order }));
    }
    var closing = [sentence("closing"), name].filter(Boolean).join("\n");
    return {
      subject: fill(sentence("subject"), said),
      body: [fill(sentence("greeting"), said), facts.join(" "), sentence("request"), closing].join(
        "\n\n",
      ),
    };
  }

  var copyText = window.cancelflowCopyText;

  function start() {
    var form = document.getElementById("letter-form");
    var output = document.getElementById("letter-output");
    if (!form || !output) {
      return;
    }
    var subject = document.getElementById("letter-subject");
    var body = document.getElementById("letter-body");
    var mailto = document.getElementById("letter-mailto");
    var copy = document.getElementById("letter-copy");
    var status = document.getElementById("letter-copy-status");

    function update() {
      var letter = write(form, output);
      subject.textContent = letter.subject;
      body.textContent = letter.body;
      if (mailto && mailto.dataset.address) {
        mailto.href =
          "mailto:" +
          mailto.dataset.address +
          "?subject=" +
          encodeURIComponent(letter.subject) +
          "&body=" +
          encodeURIComponent(letter.body);
      }
    }

    form.addEventListener("input", function (event) {
      // A box the visitor changes is no longer the one the server marked.
      if (event.target && event.target.removeAttribute) {
        event.target.removeAttribute("aria-invalid");
      }
      update();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault(); // written here already: nothing needs to leave the browser
      update();
      output.scrollIntoView({ block: "start" });
    });
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        copyText(subject.textContent + "\n\n" + body.textContent).then(
          function () {
            status.textContent = gettext("Copied. Paste it into your email.");
            window.setTimeout(function () {
              status.textContent = "";
            }, COPIED_FOR_MS);
          },
          function () {
            status.textContent = gettext("Could not copy: select the text and copy it yourself.");
          },
        );
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
