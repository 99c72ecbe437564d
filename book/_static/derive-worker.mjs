// The derivation box's worker: matcalc.derive in Pyodide (CPython in WebAssembly), off the
// page's thread so the page stays responsive. Everything it loads comes from the book's own
// _static/pyodide/ (vendored by the build, see tools/pyodide_vendor.py): no network.
//
// Messages in:  {id, expression, shapes, wrt}
// Messages out: {state: "loading", message}            while Pyodide and the wheels load
//               {id, state: "checked"|"failed"|"error", ...the answer of matcalc.derive.web}
import { loadPyodide } from "./pyodide/pyodide.mjs";

const base = new URL("./pyodide/", import.meta.url).href;
let ready = null;

async function start() {
  const t0 = performance.now();
  self.postMessage({ state: "loading", message: "Starting Python in your browser…" });
  const pyodide = await loadPyodide({ indexURL: base });
  const manifest = await (await fetch(base + "manifest.json")).json();
  self.postMessage({ state: "loading", message: "Loading SymPy and matcalc…" });
  await pyodide.loadPackage(manifest.wheels.map((w) => new URL(w, base).href),
                            { messageCallback: () => {}, checkIntegrity: false });
  pyodide.runPython("from matcalc.derive.web import answer_json");
  self.postMessage({ state: "loading", message: "Ready.",
                     seconds: (performance.now() - t0) / 1000 });
  return pyodide;
}

self.onmessage = async (event) => {
  const { id, expression, shapes, wrt } = event.data;
  try {
    ready = ready || start();
    const pyodide = await ready;
    const t0 = performance.now();
    const answer = pyodide.globals.get("answer_json");
    const reply = JSON.parse(answer(expression, shapes, wrt));
    answer.destroy();
    reply.seconds = (performance.now() - t0) / 1000;
    self.postMessage({ id, ...reply });
  } catch (error) {
    ready = null;  // a failed start is tried again on the next request
    self.postMessage({ id, state: "error", message: String(error && error.message || error) });
  }
};
