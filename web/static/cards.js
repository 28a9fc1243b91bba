// On a phone a table reads as cards (jindu.css, max-width 640px): each cell is labelled with
// its column's heading, copied here into data-label. No inline script (CSP script-src 'self').
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
  function all() { Array.prototype.forEach.call(document.querySelectorAll("main table"), label); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", all); } else { all(); }
})();
