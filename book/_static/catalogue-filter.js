// Filter the rows of the catalogue tables by expression, name or Matrix Cookbook number.
// Works offline: plain DOM, no libraries.
document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("catalogue-filter");
  if (!input) { return; }
  var count = document.getElementById("catalogue-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table tbody tr"))
    .filter(function (row) { return row.cells.length === 4; });
  function text(row) {
    if (!row.dataset.search) {
      // MathJax replaces formulas; keep the TeX source it leaves in aria labels too.
      row.dataset.search = row.textContent.toLowerCase();
    }
    return row.dataset.search;
  }
  function cookbookNumbers(row) {
    return (row.cells[0].textContent.match(/\d+/g) || []);
  }
  function apply() {
    var q = input.value.trim().toLowerCase();
    var number = q.replace(/[()]/g, "");
    var shown = 0;
    rows.forEach(function (row) {
      var match = q === "" ||
        (/^\d+$/.test(number) ? cookbookNumbers(row).indexOf(number) >= 0
                              : text(row).indexOf(q) >= 0);
      row.style.display = match ? "" : "none";
      if (match) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " entries"; }
  }
  input.addEventListener("input", apply);
  apply();
});
