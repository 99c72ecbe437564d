// Tables wider than the text column are shown stacked: one block per row, its first cell as
// the row's title and each other cell beside the name of its column ("stacked"; above it,
// "stacked-tall", where a formula needs the whole width). Printed derivations with long
// formulas and the table of backward rules are wider than the column of a 1280 px window
// once MathJax has typeset them, and many tables are wider than a phone; a stacked table
// never scrolls sideways. The catalogue's tables have a layout of their own (book.css).
// Works offline: plain DOM, no libraries.
(function () {
  "use strict";
  function tables() {
    return Array.prototype.slice.call(
      document.querySelectorAll("article.bd-article table:not(.catalogue-table)"));
  }
  function label(table) {  // data-label: the column's name, shown before the cell's value
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"),
                                         function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (names[i]) { cell.setAttribute("data-label", names[i]); }
      });
    });
  }
  function cramped(table) {  // a formula wider than the room its cell leaves it
    return Array.prototype.some.call(table.querySelectorAll("mjx-math"), function (math) {
      var box = math.closest("span.math") || math.parentElement;
      return math.getBoundingClientRect().width > box.clientWidth + 1;
    });
  }
  function fit() {
    tables().forEach(function (table) {
      table.classList.remove("stacked", "stacked-tall");
      var box = table.parentElement;
      if (table.scrollWidth > box.clientWidth + 1) {
        label(table);
        table.classList.add("stacked");
        // the column names above the values, not beside them, if a formula needs the room
        if (cramped(table)) { table.classList.add("stacked-tall"); }
      }
    });
  }
  var pending = null;
  function later() {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(fit, 150);
  }
  window.addEventListener("load", function () {
    fit();
    // MathJax typesets after the page loads and widens the tables that hold formulas.
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
    }
  });
  window.addEventListener("resize", later);
  window.matcalcFitTables = fit;  // for the browser test, after it releases MathJax
})();
