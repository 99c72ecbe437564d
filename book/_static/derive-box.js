// The derivation box (the derive chapter): reads #derive-expression, #derive-shapes and
// #derive-wrt, runs matcalc.derive in a Web Worker (derive-worker.mjs, Pyodide), and writes
// the gradient, the steps and the check's verdict into #derive-output, whose data-state is
// "running" while it works, then "checked", "failed" or "error". Does nothing on pages
// without the box.
(function () {
  "use strict";
  const here = document.currentScript ? document.currentScript.src : document.baseURI;
  let worker = null;
  let next = 0;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                       '"': "&quot;", "'": "&#39;" })[c]);
  }

  function show(output, state, html) {
    output.dataset.state = state;
    output.innerHTML = html;
    if (window.MathJax && MathJax.typesetPromise) {
      MathJax.typesetPromise([output]).catch(() => {});
    }
  }

  function render(reply) {
    if (reply.state === "error") {
      return `<p class="derive-error"><strong>Refused:</strong> ${escapeHtml(reply.message)}</p>`;
    }
    const steps = (reply.steps || []).map((s) =>
      `<tr><td>\\(${escapeHtml(s.latex)}\\)</td><td>${escapeHtml(s.why)}</td></tr>`).join("");
    const checks = (reply.checks || []).map((c) =>
      `<li>${escapeHtml(c)}</li>`).join("");
    if (reply.state === "failed" && !reply.gradient_latex) {
      return `<p class="derive-error"><strong>A check failed:</strong> ${escapeHtml(reply.message)}</p>`;
    }
    const verdict = reply.state === "checked" ? "checked" : "NOT confirmed";
    const what = reply.kind === "gradient" ? "Gradient" : "Result";
    return `<p><strong>${what}</strong> (${verdict}, ${reply.seconds.toFixed(1)} s):</p>
      <div class="derive-gradient">\\[${escapeHtml(reply.gradient_latex)}\\]</div>
      <details open><summary>The differential, step by step</summary>
      <table class="derive-steps"><thead><tr><th>expression</th><th>rule</th></tr></thead>
      <tbody>${steps}</tbody></table></details>
      <p><strong>What was checked:</strong></p><ul>${checks}</ul>`;
  }

  function overFile(output) {
    show(output, "error", "<p>The box runs Python in your browser, which browsers allow " +
         "only for pages served over http: run <code>make serve</code> in the book's " +
         "folder and open <code>http://127.0.0.1:8000/derive.html</code>.</p>");
  }

  function run(box) {
    const output = box.querySelector("#derive-output");
    if (location.protocol === "file:") {
      overFile(output);
      return;
    }
    if (!worker) {
      worker = new Worker(new URL("derive-worker.mjs", here), { type: "module" });
      worker.onmessage = (event) => {
        const reply = event.data;
        if (reply.state === "loading") {
          output.dataset.state = "running";
          output.innerHTML = `<p>${escapeHtml(reply.message)}</p>`;
          return;
        }
        output.dataset.gradient = reply.gradient_latex || "";
        output.dataset.seconds = reply.seconds === undefined ? "" : reply.seconds.toFixed(2);
        show(output, reply.state, render(reply));
      };
      worker.onerror = (event) => show(output, "error",
        `<p class="derive-error">The in-browser engine could not start: ${escapeHtml(event.message)}</p>`);
    }
    output.dataset.state = "running";
    output.innerHTML = "<p>Working…</p>";
    worker.postMessage({ id: ++next,
                         expression: box.querySelector("#derive-expression").value,
                         shapes: box.querySelector("#derive-shapes").value,
                         wrt: box.querySelector("#derive-wrt").value });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("derive-run");
    if (!button) return;
    const box = button.closest(".derive-box") || document;
    button.addEventListener("click", () => run(box));
    if (location.protocol === "file:") overFile(box.querySelector("#derive-output"));
  });
})();
