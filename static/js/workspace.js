// The agent's ticket page: keyboard shortcuts (listed on the page) and the side panel
// closed on a narrow screen. Only an enhancement: without it every form posts as before
// and the side panel stays open.
(function () {
  "use strict";
  var panel = document.querySelector(".side-panel");
  if (panel && !panel.hasAttribute("data-keep-open") && window.matchMedia("(max-width: 48rem)").matches) {
    panel.open = false;
  }

  function showPanel() {
    if (panel) { panel.open = true; }
  }

  function focusField(id, tab) {
    if (tab) {
      var radio = document.getElementById(tab);
      if (radio) { radio.checked = true; }
    }
    var field = document.getElementById(id);
    if (!field) { return false; }
    if (panel && panel.contains(field)) { showPanel(); }
    field.focus();
    return true;
  }

  var keys = {
    r: function () { return focusField("reply-body", "compose-reply"); },
    n: function () { return focusField("note-body", "compose-note"); },
    s: function () { return focusField("status-status"); },
    a: function () { return focusField("article-article_query"); },
    t: function () {
      var take = document.getElementById("take-it");
      if (!take) { return false; }
      take.click();
      return true;
    }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) { return; }
    var action = keys[event.key];
    if (action && action()) { event.preventDefault(); }
  });
}());
