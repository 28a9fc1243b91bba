// Small page helpers, no inline script (CSP script-src 'self'):
// - on a phone a table reads as cards (jindu.css, max-width 640px): each cell is labelled with
//   its column's heading, copied here into data-label;
// - a field in error (templates/_macros.html `err`) is marked aria-invalid and described by its
//   message (aria-describedby), so a screen reader says why when the field is reached.
(function () {
  "use strict";
  function label(table) {
    var heads = table.tHead ? table.tHead.rows[0] : null;
    if (!heads) { return; }
    var names = Array.prototype.map.call(heads.cells, function (c) { return c.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && names[col] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[col]); }
          col += cell.colSpan;
        });
      });
    });
    table.classList.add("cards");
  }
  var made = 0;
  function tie(message) {
    var name = message.getAttribute("data-field");
    var scope = message.closest("label") || message.closest("fieldset") || message.closest("form");
    if (!name || !scope) { return; }
    var fields = scope.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
    if (!fields.length && scope.tagName === "LABEL") { fields = scope.querySelectorAll("input, select, textarea"); }
    if (!message.id) { message.id = "field-error-" + (++made); }
    Array.prototype.forEach.call(fields, function (field) {
      field.setAttribute("aria-invalid", "true");
      var by = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (by.indexOf(message.id) < 0) { by.push(message.id); }
      field.setAttribute("aria-describedby", by.join(" "));
    });
  }
  function all() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), label);
    Array.prototype.forEach.call(document.querySelectorAll(".field-error[data-field]"), tie);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
