// duikou: small progressive enhancements; every page works without this file.
// Each table cell learns its column's heading (data-label), so a table read as cards on a phone still says what
// each value is. Runs on load and after htmx swaps a part of the page.
(function () {
  "use strict";
  function labelTables(root) {
    (root || document).querySelectorAll("table.data").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/[▲▼]/g, "").trim();
      });
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && heads[column] !== undefined) {
            cell.setAttribute("data-label", heads[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  document.addEventListener("htmx:afterSwap", function (event) { labelTables(event.target); });
})();
