// Filter the rows of the catalogue tables by expression, name or Matrix Cookbook number.
// Works offline: plain DOM, no libraries.
//
// The rows carry what to match, written by matcalc.catalogue.render from the same data as
// Python's find(): data-cookbook holds the entry's Cookbook numbers (space-separated, so
// "96, 98" gives "96 98" and "94-95" gives "94 95"), data-search the lower-case text that
// find() searches. A query that is a bare number, with or without parentheses, must equal
// one of the numbers ("12" does not show (126)); any other query is a substring of the text.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("catalogue-filter");
  if (!input) { return; }
  var count = document.getElementById("catalogue-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-cookbook]"));
  function apply() {
    var q = input.value.trim().toLowerCase();
    var number = q.replace(/^\(/, "").replace(/\)$/, "").trim();
    var isNumber = /^\d+$/.test(number);
    var shown = 0;
    rows.forEach(function (row) {
      var match = q === "" ||
        (isNumber ? row.dataset.cookbook.split(" ").indexOf(number) >= 0
                  : row.dataset.search.indexOf(q) >= 0);
      row.style.display = match ? "" : "none";
      if (match) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " entries"; }
  }
  input.addEventListener("input", apply);
  apply();
});
