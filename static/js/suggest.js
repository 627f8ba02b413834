// Help articles suggested while a question is being written. Without JavaScript the same
// list comes from the server when the form is sent; this only gives it a head start.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest]");
  var box = document.getElementById("live-suggestions");
  if (!form || !box || !window.fetch) { return; }
  var fields = [form.querySelector("[name=subject]"), form.querySelector("[name=body]")];
  var list = box.querySelector("ul");
  var shown = form.querySelector("input[name=shown]");
  var lang = document.documentElement.lang || "sv";
  var timer = null;
  var asked = "";

  function render(results) {
    list.textContent = "";
    results.forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = results.length === 0;
    // The ticket records what was suggested, as it does for the server's list.
    if (shown) { shown.value = results.map(function (hit) { return hit.id; }).join(","); }
  }

  function ask() {
    var text = fields.map(function (f) { return f ? f.value : ""; }).join(" ").trim().slice(0, 300);
    if (text.length < 4 || text === asked) { return; }
    asked = text;
    // POST, so what is being written (perhaps a child's personnummer) stays out of URLs
    // and access logs.
    var csrf = form.querySelector("input[name=csrf_token]");
    fetch("/api/v1/search", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json",
                 "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ type: "article", per_page: 5, lang: lang, q: text, suggest: true })
    })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (text === asked) { render(data.results || []); } })
      .catch(function () { /* suggestions are a help, never a hindrance */ });
  }

  fields.forEach(function (field) {
    if (!field) { return; }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 400);
    });
  });
})();
