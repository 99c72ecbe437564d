"""The engine's entry point for the derivation box of the book's pages (Pyodide in a Web
Worker, no numpy): the command line's inputs as text in, one JSON answer out.

The answer has ``state`` ("checked", "failed" for a check that failed, "error" for input
the engine refuses) and either ``message`` or the derivation: ``gradient_latex`` (the
answer, a gradient or a differential dF), ``steps`` (each ``latex`` and ``why``),
``checks`` (what each check that ran proved, then what did not run and why) and ``kind``.

>>> import json
>>> reply = json.loads(answer_json("fro(W @ X - Y)**2 / 2", "W=m,n X=n,k Y=m,k", "W"))
>>> reply["state"], reply["gradient_latex"]
('checked', '(W X - Y) X^\\\\T')
>>> json.loads(answer_json("__import__('os')", "W=m,n", "W"))["state"]
'error'
"""

from __future__ import annotations

import json

__all__ = ["answer_json", "parse_shapes"]

_PROPERTIES = ("symmetric", "spd", "diagonal", "positive", "invertible")


def parse_shapes(text: str) -> tuple:
    """(shapes, properties) from ``W=m,n X=n,k S=n,n:spd`` (items separated by spaces or
    semicolons); ValueError naming a malformed item.

    >>> parse_shapes("W=m,n S=n,n:spd")
    ({'W': 'm,n', 'S': 'n,n'}, {'S': ['spd']})
    """
    shapes, props = {}, {}
    for item in str(text).replace(";", " ").split():
        if "=" not in item:
            raise ValueError(f"a shape is NAME=ROWS,COLS (e.g. W=m,n), got {item!r}")
        name, rest = item.split("=", 1)
        shape, *extra = rest.split(":")
        for prop in extra:
            if prop not in _PROPERTIES:
                raise ValueError(f"{item}: unknown property {prop!r}; properties are "
                                 f"{', '.join(_PROPERTIES)}")
        shapes[name] = shape
        if extra:
            props[name] = extra
    return shapes, props


def _reply(r) -> dict:
    shown, defs = r.named()
    latex = shown.latex + "".join(rf",\quad {n} = {d.latex}" for n, d in defs)
    checks = [c.what if getattr(c, "what", "") else f"{label}: {c.verdict}"
              for label, c in r.checks.checks]
    checks += [f"{name} not run: {why}" for name, why in r.skipped]
    if r.note:
        checks.append(r.note)
    return {"state": "checked" if r.passed else "failed", "kind": r.kind,
            "gradient_latex": latex,
            "steps": [{"latex": s.latex, "why": s.why} for s in r.named_steps()],
            "checks": checks}


def answer_json(expression: str, shapes: str, wrt: str, time_cap: float = 8.0) -> str:
    """The engine's answer for the box as a JSON string (see the module docstring); never
    raises for bad input.

    >>> import json
    >>> json.loads(answer_json("W @ W", "W=m,n", "W"))["message"]
    'at position 1 (W @ W): shape mismatch: W @ W multiplies m x n by m x n (n != m)'
    """
    from .checks import DerivationFailed
    from .engine import derive
    from .parse import parse
    from .second import differential
    try:
        table, props = parse_shapes(shapes)
        e = parse(expression, table, props)
        make = derive if e.shape == ("1", "1") else differential
        reply = _reply(make(e, str(wrt).strip(), time_cap=time_cap))
    except DerivationFailed as exc:
        reply = {"state": "failed", "message": str(exc)}
    except ValueError as exc:
        reply = {"state": "error", "message": str(exc)}
    except Exception as exc:  # an engine bug: still an answer, never a hang or a crash
        reply = {"state": "error", "message": f"the engine failed ({type(exc).__name__}: "
                                              f"{exc}); nothing was checked"}
    return json.dumps(reply)
