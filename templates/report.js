// grantlint report: sort a table by a column when its heading is clicked. Rows keep
// their first order among equals; cells sort by data-key (a number) or else their text.
// A row whose last cell spans the columns after it sorts by that cell in each of them.
// The first click sorts worst (or Z) first, unless the heading asks for data-first.
(function () {
  "use strict";
  function key(row, col) {
    var cell = row.cells[col] || row.cells[row.cells.length - 1];
    var k = cell.getAttribute("data-key");
    return k === null ? cell.textContent.trim().toLowerCase() : Number(k);
  }
  function compare(x, y) {
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x).localeCompare(String(y));
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var descending = current ? current !== "descending" : th.getAttribute("data-first") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var c = compare(key(a, col), key(b, col));
          return (descending ? -c : c) || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
