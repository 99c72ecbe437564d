"""The catalogue cross-checked by the engine: every gradient entry whose expression the derive
language can state is re-derived, and the engine's gradient is compared numerically with the
catalogue's hand-written one at a random point.

The catalogue's functions are Python lambdas, so the entries are mapped to engine expressions
by name in :data:`EXPRESSIONS` (one line each); entries the language cannot state (spectral
and nuclear norms) are listed in :data:`NOT_STATEABLE` with the reason.

>>> r = cross_check(names=["tr(AXB)"])["tr(AXB)"]
>>> r.passed, str(r.gradient)
(True, 'A^T B^T')
"""

from dataclasses import replace

from ..report import Report
from . import language as L
from .engine import derive
from .expr import matrix
from ..checkresult import FAILED, PASSED
from .result import engine_check

__all__ = ["EXPRESSIONS", "NOT_STATEABLE", "SIZES", "cross_check", "summary"]

#: Numeric sizes of the comparison (as the catalogue's: tall X where it matters).
SIZES = {"m": 5, "n": 4, "p": 3, "q": 6, "k": 2, "a": 2, "b": 3}


def _cube(X):
    return X @ X @ X


#: Catalogue entry name -> the entry's function in the derive language (V: the variables).
EXPRESSIONS = {
    "det X": lambda V: L.det(V["X"]),
    "det(AXB)": lambda V: L.det(V["A"] @ V["X"] @ V["B"]),
    "det(X^T A X), X square": lambda V: L.det(V["X"].T @ V["A"] @ V["X"]),
    "det(X^T A X), A symmetric": lambda V: L.det(V["X"].T @ V["A"] @ V["X"]),
    "det(X^T A X), general A": lambda V: L.det(V["X"].T @ V["A"] @ V["X"]),
    "log det(X^T X)": lambda V: L.logdet(V["X"].T @ V["X"]),
    "log|det X|": lambda V: L.logdet(V["X"]),
    "det(X^k)": lambda V: L.det(_cube(V["X"])),
    "det(X^-1)": lambda V: L.det(L.inv(V["X"])),
    "log det S, S spd": lambda V: L.logdet(V["S"]),
    "det(X + A)": lambda V: L.det(V["X"] + V["A"]),
    "a^T X^-1 b": lambda V: V["a"].T @ L.inv(V["X"]) @ V["b"],
    "tr(A X^-1 B)": lambda V: L.tr(V["A"] @ L.inv(V["X"]) @ V["B"]),
    "tr((X + A)^-1)": lambda V: L.tr(L.inv(V["X"] + V["A"])),
    "tr(X^-1)": lambda V: L.tr(L.inv(V["X"])),
    "sum of eigenvalues": lambda V: L.tr(V["X"]),
    "product of eigenvalues": lambda V: L.det(V["X"]),
    "Rayleigh quotient": lambda V: (V["x"].T @ V["A"] @ V["x"]) / (V["x"].T @ V["x"]),
    "generalized Rayleigh quotient": lambda V: ((V["A"] @ V["x"]).T @ (V["A"] @ V["x"]))
    / ((V["B"] @ V["x"]).T @ (V["B"] @ V["x"])),
    "x^T a": lambda V: V["x"].T @ V["a"],
    "a^T X b": lambda V: V["a"].T @ V["X"] @ V["b"],
    "a^T X^T b": lambda V: V["a"].T @ V["X"].T @ V["b"],
    "a^T X a": lambda V: V["a"].T @ V["X"] @ V["a"],
    "tr(A^T X)": lambda V: L.tr(V["A"].T @ V["X"]),
    "b^T X^T X c": lambda V: V["b"].T @ V["X"].T @ V["X"] @ V["c"],
    "(Bx + b)^T C (Dx + d)": lambda V: (V["B"] @ V["x"] + V["b"]).T @ V["C"]
    @ (V["D"] @ V["x"] + V["d"]),
    "x^T B x": lambda V: V["x"].T @ V["B"] @ V["x"],
    "b^T X^T D X c": lambda V: V["b"].T @ V["X"].T @ V["D"] @ V["X"] @ V["c"],
    "(Xb + c)^T D (Xb + c)": lambda V: (V["X"] @ V["b"] + V["c"]).T @ V["D"]
    @ (V["X"] @ V["b"] + V["c"]),
    "weighted LS in s": lambda V: _wls(V),
    "weighted LS in s, general W": lambda V: _wls(V),
    "weighted distance in x": lambda V: (V["x"] - V["s"]).T @ V["W"] @ (V["x"] - V["s"]),
    "weighted distance in s": lambda V: (V["x"] - V["s"]).T @ V["W"] @ (V["x"] - V["s"]),
    "weighted LS in x": lambda V: _wls(V),
    "weighted LS in A": lambda V: _wls(V),
    "least squares": lambda V: 0.5 * L.fro(V["W"] @ V["X"] - V["Y"]) ** 2,
    "a^T X^n b": lambda V: V["a"].T @ _cube(V["X"]) @ V["b"],
    "tr X": lambda V: L.tr(V["X"]),
    "tr(XA)": lambda V: L.tr(V["X"] @ V["A"]),
    "tr(AXB)": lambda V: L.tr(V["A"] @ V["X"] @ V["B"]),
    "tr(AX^TB)": lambda V: L.tr(V["A"] @ V["X"].T @ V["B"]),
    "tr(X^TA)": lambda V: L.tr(V["X"].T @ V["A"]),
    "tr(AX^T)": lambda V: L.tr(V["A"] @ V["X"].T),
    "tr(A kron X)": lambda V: L.tr(L.kron(V["A"], V["X"])),
    "tr(X^2)": lambda V: L.tr(V["X"] @ V["X"]),
    "tr(X^2 B)": lambda V: L.tr(V["X"] @ V["X"] @ V["B"]),
    "tr(X^T B X)": lambda V: L.tr(V["X"].T @ V["B"] @ V["X"]),
    "tr(B X X^T)": lambda V: L.tr(V["B"] @ V["X"] @ V["X"].T),
    "tr(X X^T B)": lambda V: L.tr(V["X"] @ V["X"].T @ V["B"]),
    "tr(X B X^T)": lambda V: L.tr(V["X"] @ V["B"] @ V["X"].T),
    "tr(B X^T X)": lambda V: L.tr(V["B"] @ V["X"].T @ V["X"]),
    "tr(X^T X B)": lambda V: L.tr(V["X"].T @ V["X"] @ V["B"]),
    "tr(AXBX)": lambda V: L.tr(V["A"] @ V["X"] @ V["B"] @ V["X"]),
    "tr(X^T X)": lambda V: L.tr(V["X"].T @ V["X"]),
    "tr(B^T X^T C X B)": lambda V: L.tr(V["B"].T @ V["X"].T @ V["C"] @ V["X"] @ V["B"]),
    "tr(X^T B X C)": lambda V: L.tr(V["X"].T @ V["B"] @ V["X"] @ V["C"]),
    "tr(AXBX^TC)": lambda V: L.tr(V["A"] @ V["X"] @ V["B"] @ V["X"].T @ V["C"]),
    "tr[(AXB + C)(AXB + C)^T]": lambda V: L.tr((V["A"] @ V["X"] @ V["B"] + V["C"])
                                               @ (V["A"] @ V["X"] @ V["B"] + V["C"]).T),
    "tr(X kron X)": lambda V: L.tr(L.kron(V["X"], V["X"])),
    "tr(X^k)": lambda V: L.tr(V["X"] @ V["X"] @ V["X"] @ V["X"]),
    "tr(A X^k)": lambda V: L.tr(V["A"] @ _cube(V["X"])),
    "tr(B^T X^T C X X^T C X B)": lambda V: L.tr(V["B"].T @ V["X"].T @ V["C"] @ V["X"]
                                                @ V["X"].T @ V["C"] @ V["X"] @ V["B"]),
    "tr[(X^T C X)^-1 A]": lambda V: L.tr(L.inv(V["X"].T @ V["C"] @ V["X"]) @ V["A"]),
    "tr[(X^T C X)^-1 A], general C": lambda V: L.tr(L.inv(V["X"].T @ V["C"] @ V["X"])
                                                    @ V["A"]),
    "tr[(X^T C X)^-1 (X^T B X)]": lambda V: L.tr(L.inv(V["X"].T @ V["C"] @ V["X"])
                                                 @ (V["X"].T @ V["B"] @ V["X"])),
    "tr[(A + X^T C X)^-1 (X^T B X)]": lambda V: L.tr(
        L.inv(V["A"] + V["X"].T @ V["C"] @ V["X"]) @ (V["X"].T @ V["B"] @ V["X"])),
    "tr[(X^T C X)^-1 (X^T B X)], general B, C": lambda V: L.tr(
        L.inv(V["X"].T @ V["C"] @ V["X"]) @ (V["X"].T @ V["B"] @ V["X"])),
    "tr[(A + X^T C X)^-1 (X^T B X)], general A, B, C": lambda V: L.tr(
        L.inv(V["A"] + V["X"].T @ V["C"] @ V["X"]) @ (V["X"].T @ V["B"] @ V["X"])),
    "(sum of X)^2": lambda V: L.sum(V["X"]) ** 2,
    "a^T (X^k)^T X^k b": lambda V: V["a"].T @ _cube(V["X"]).T @ _cube(V["X"]) @ V["b"],
    "tr(A X^-1 B), Cookbook form": lambda V: L.tr(V["A"] @ L.inv(V["X"]) @ V["B"]),
    "||x - a||_2": lambda V: L.norm2(V["x"] - V["a"]),
    "||x||_2^2": lambda V: L.norm2(V["x"]) ** 2,
    "||X||_F^2": lambda V: L.fro(V["X"]) ** 2,
    "||X||_F": lambda V: L.fro(V["X"]),
    "||AX - B||_F^2": lambda V: L.fro(V["A"] @ V["X"] - V["B"]) ** 2,
    "1^T (A o X) 1": lambda V: L.sum(V["A"] * V["X"]),
    "A : (X o X)": lambda V: L.frob(V["A"], V["X"] * V["X"]),
    "sum exp(X)": lambda V: L.sum(L.exp(V["X"])),
    "sum log(X)": lambda V: L.sum(L.log(V["X"])),
    "sum tanh(Xw)": lambda V: L.sum(L.tanh(V["X"] @ V["w"])),
    "logsumexp": lambda V: L.log(L.sum(L.exp(V["z"]))),
    "softmax cross-entropy": lambda V: -(V["y"].T @ L.log(L.softmax(V["z"]))),
    "1^T sigma(Xw)": lambda V: L.sum(L.sigmoid(V["X"] @ V["w"])),
}

#: Gradient entries the language cannot state, with the reason.
NOT_STATEABLE = {
    "spectral norm": "the largest singular value is not in the language",
    "nuclear norm": "the sum of singular values is not in the language",
    "tr(A (X kron B))": "the catalogue declares A with letters of its own (a x b), the engine "
                        "with products of letters (nk x mk)",
}


def _wls(V):
    r = V["x"] - V["A"] @ V["s"]
    return r.T @ V["W"] @ r


def _variables(entry):
    out = {}
    for name, shape in entry.shapes.items():
        kind = (getattr(entry, "kinds", None) or {}).get(name)
        props = {"spd": {"spd": True}, "symmetric": {"symmetric": True},
                 "positive": {"positive": True}, "diagonal": {"diagonal": True}}.get(kind, {})
        out[name] = matrix(name, shape[0], shape[1], **props)
    return out


def _sizes(entry) -> dict:
    letters = {d for s in entry.shapes.values() for d in s} - {"1"}
    return {k: SIZES.get(k, 3) for k in letters}


def _compare(entry, r, seed: int = 0) -> float:
    import numpy as np

    from ..backend import relative_difference
    from ..variables import Variables, call_by_name
    sizes = _sizes(entry)
    env = Variables(dict(entry.shapes), dict(getattr(entry, "kinds", None) or {})).numbers(
        sizes, seed=seed)
    hand = np.asarray(call_by_name(entry.claim, env, "claim"), dtype=float)
    mine = r.evaluate(**env)
    return relative_difference(mine.reshape(hand.shape), hand)


def _with_comparison(r, difference: float):
    """The result with the comparison against the catalogue recorded among its checks."""
    check = engine_check("catalogue", PASSED if difference < 1e-8 else FAILED,
                         f"agrees with the catalogue's hand-written gradient at 2 random "
                         f"points (relative difference {difference:.1e})", difference)
    report = Report(title=r.checks.title, checks=r.checks.checks + (("catalogue", check),))
    return replace(r, checks=report)


def cross_check(entries: list | None = None, names: list | None = None,
                exact: bool = False) -> dict:
    """Re-derive the catalogue's gradient entries (all, or those in ``names``): a dict from
    the entry's name to the engine's result (a :class:`.result.Derived` whose checks include
    the comparison with the hand-written gradient) or to a string saying why there is none
    ("refused: ..." or "not stateable: ..."). ``exact=False`` skips the engine's exact
    checks (its numeric checks still run) to keep the whole catalogue to a few seconds.

    >>> cross_check(names=["tr X"])["tr X"].passed
    True
    """
    if entries is None:
        from ..catalogue import entries as all_entries
        entries = all_entries()
    out: dict = {}
    for entry in entries:
        if entry.kind != "gradient" or (names is not None and entry.name not in names):
            continue
        if entry.name in NOT_STATEABLE or entry.name not in EXPRESSIONS:
            out[entry.name] = "not stateable: " + NOT_STATEABLE.get(
                entry.name, "no expression in the table")
            continue
        try:
            expr = EXPRESSIONS[entry.name](_variables(entry))
            r = derive(expr, entry.wrt[0], exact=exact, sizes=_sizes(entry))
        except ValueError as exc:
            out[entry.name] = f"refused: {exc}"
            continue
        out[entry.name] = _with_comparison(r, max(_compare(entry, r, seed) for seed in (0, 1)))
    return out


def summary(results: dict) -> dict:
    """Counts by status ("agrees", "differs", "refused", "not stateable") and the median
    LaTeX lengths of the engine's and the hand-written gradients over the agreeing entries.

    >>> summary(cross_check(names=["tr X"]))["agrees"]
    1
    """
    import numpy as np
    derived = {k: v for k, v in results.items() if not isinstance(v, str)}
    out = {"agrees": sum(r.passed for r in derived.values()),
           "differs": sum(not r.passed for r in derived.values()),
           "refused": sum(isinstance(v, str) and v.startswith("refused") for v in results.values()),
           "not stateable": sum(isinstance(v, str) and v.startswith("not stateable")
                                for v in results.values())}
    agreeing = [(k, r) for k, r in derived.items() if r.passed]
    if agreeing:
        from ..catalogue import find
        hand = {k: getattr(_entry(find, k), "result", "") for k, _ in agreeing}
        out["median engine length"] = float(np.median([len(r.latex) for _, r in agreeing]))
        out["median hand length"] = float(np.median([len(hand[k]) for k, _ in agreeing]))
        out["engine longer"] = sum(len(r.latex) > len(hand[k]) for k, r in agreeing)
    return out


def _entry(find, name: str):
    found = find(name)
    found = found if isinstance(found, list) else [found]
    return next(e for e in found if e.name == name)
