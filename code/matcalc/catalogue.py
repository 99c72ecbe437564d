"""A catalogue of matrix-calculus identities in the spirit of the Matrix Cookbook, every entry
verified.

Each :class:`Entry` holds the expression, its gradient (or differential, Jacobian, Hessian)
as LaTeX and as Python functions that work on numpy arrays and sympy matrices, the shapes
it is valid for (dimension letters), its conditions (``kinds``, e.g. ``{"C": "symmetric"}``)
and the equation number of the Matrix Cookbook (version of November 15, 2012) where there is
one. :meth:`Entry.check` verifies it: exactly at small sizes where that is feasible, and
numerically at rectangular sizes; an entry with a condition is also checked *without* it,
to show whether the condition is needed.

>>> len(entries()) >= 80
True
>>> e = find("101")[0]
>>> e.name, e.cookbook, e.check().passed
('tr(AXB)', '101', True)
"""

import dataclasses
import re
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from .check import check_gradient
from .derivation import Derivation, Step
from .backend import scalar as _scalar
from .variables import call_by_name as _call
from .backend import is_symbolic_matrix
from .frobenius import frob
from .hessian import check_hessian
from .jacobian import jacobian
from .ops import (det, exp, eye, hadamard, inv, kron, log, logdet, matrix_power, ones,
                  ones_like, sigmoid, softmax, tanh, tr)
from .symbolic import gradient as symbolic_gradient
from .symbolic import matrix, verify
from .vec import vec

__all__ = ["Entry", "EntryResult", "entries", "find", "SECTIONS"]

KINDS = ("gradient", "differential", "jacobian", "hessian", "symmetric-partials",
         "diagonal-gradient")

# Sizes: exact checks small, numeric checks rectangular with distinct sizes.
EXACT = {"m": 3, "n": 2, "p": 2, "q": 2, "k": 2}
NUMERIC = {"m": 5, "n": 4, "p": 3, "q": 6, "k": 2}


@dataclass(frozen=True)
class EntryResult:
    """Outcome of :meth:`Entry.check`: ``passed`` and how the entry was checked."""

    passed: bool
    exact: object  # IdentityResult, or None if no exact check was feasible
    numeric: object  # CheckResult or DerivationResult or a float (Jacobians)
    how: str  # one line for the catalogue page
    without_conditions: object = None  # result with the conditions dropped, if any
    condition_needed: object = None  # True / False / None (no conditions)

    @property
    def error(self):
        """The relative error of the numerical check (for partials: of the failing gradient
        check)."""
        n = self.numeric
        if hasattr(n, "gradient_check"):
            n = n.gradient_check if n.gradient_check is not None else n.differential_check
        return float(n.error) if hasattr(n, "error") else float(n)

    def __bool__(self):
        return self.passed

    def __str__(self):
        return f"{'PASSED' if self.passed else 'FAILED'}: {self.how}"

    __repr__ = __str__


@dataclass(frozen=True)
class Entry:
    """One identity of the catalogue (see the module docstring).

    ``derivative`` depends on ``kind``: the gradient ``G(**vars)`` for ``"gradient"``; the
    differential ``dF(**vars, d<var>)`` for ``"differential"``; the Jacobian array for
    ``"jacobian"`` (numpy only); the Hessian-vector product ``H(**vars, V)`` and ``gradient``
    for ``"hessian"``; the claimed matrix of partials for ``"symmetric-partials"`` and
    ``"diagonal-gradient"``.

    >>> from matcalc.ops import tr
    >>> e = Entry("tr(XA)", "Traces, first order", r"\\tr(XA)", r"A^\\T", "gradient",
    ...           {"X": "mn", "A": "nm"}, lambda X, A: tr(X @ A), lambda X, A: A.T)
    >>> e.check().passed, e.corrupted("sign").check().passed
    (True, False)
    """

    name: str
    section: str
    expression: str  # LaTeX of the function
    result: str  # LaTeX of what the entry claims
    kind: str
    shapes: dict
    function: object = field(repr=False)
    derivative: object = field(repr=False)
    variable: str = "X"
    cookbook: object = None  # equation number in the Matrix Cookbook (2012), as a string
    kinds: dict = field(default_factory=dict)
    conditions: str = ""  # LaTeX, e.g. "$C$ symmetric"
    gradient: object = field(default=None, repr=False)  # for hessians
    exact_sizes: object = "default"  # dict, or None when no exact check is feasible
    numeric_sizes: dict = field(default_factory=dict)
    note: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"entry {self.name!r}: kind must be one of {KINDS}, got "
                             f"{self.kind!r}")
        if self.variable not in self.shapes:
            raise ValueError(f"entry {self.name!r}: variable {self.variable!r} is not in "
                             f"shapes {sorted(self.shapes)}")

    # -- sizes ---------------------------------------------------------------------------
    def _letters(self):
        return {d for s in self.shapes.values() for d in s} - {"1"}

    def _sizes(self, base, override):
        if override is None:
            return None
        sizes = {k: v for k, v in base.items() if k in self._letters()}
        sizes.update({k: v for k, v in (override or {}).items() if k in self._letters()})
        return sizes

    @property
    def exact(self):
        over = {} if self.exact_sizes == "default" else self.exact_sizes
        return self._sizes(EXACT, over)

    @property
    def numeric(self):
        return self._sizes(NUMERIC, self.numeric_sizes)

    # -- checks --------------------------------------------------------------------------
    def derivation(self, kinds=None):
        """The entry as a :class:`~matcalc.derivation.Derivation` (gradient/differential)."""
        kinds = self.kinds if kinds is None else kinds
        var, dvar = self.variable, "d" + self.variable
        if self.kind == "gradient":
            G = self.derivative

            def step(**env):
                return frob(_call(G, env), env[dvar])

            steps, gradient = [Step(rf"{self.result} : \d {var}", step)], G
        elif self.kind == "differential":
            steps, gradient = [Step(self.result, self.derivative)], None
        else:
            raise ValueError(f"entry {self.name!r} of kind {self.kind} has no derivation")
        return Derivation(self.name, self.shapes, var, self.function, steps, gradient=gradient,
                          kinds=kinds, exact_sizes=self.exact, numeric_sizes=self.numeric,
                          start=rf"\d\,{self.expression}")

    def check(self, exact=True):
        """Verify the entry; with conditions, also check whether it holds without them.

        ``exact=False`` skips the symbolic expansion (numeric checks only)."""
        result = self._check(self.kinds, exact=exact)
        relaxed = {k: v for k, v in self.kinds.items()
                   if v not in ("symmetric",) or k == self.variable}
        if relaxed == self.kinds or self.kind in ("symmetric-partials", "diagonal-gradient"):
            return result
        try:
            without = self._check(relaxed, exact=False)
            holds = without.passed
        except ValueError as exc:  # e.g. a function undefined without the condition
            without, holds = str(exc), False
        how = result.how + ("; without the condition it FAILS" if not holds else
                            "; it also holds without the condition")
        return dataclasses.replace(result, how=how, without_conditions=without,
                                   condition_needed=not holds)

    def _check(self, kinds, exact=True):
        if self.kind in ("gradient", "differential"):
            d = self.derivation(kinds)
            if not exact:
                d.exact_sizes = None
            r = d.check()
            link = r.links[0]
            num = r.gradient_check if r.gradient_check is not None else r.differential_check
            return EntryResult(r.passed, link.exact, r, _how(link.exact, self.exact, num,
                                                            self.numeric))
        if self.kind == "jacobian":
            return self._check_jacobian(kinds)
        if self.kind == "hessian":
            return self._check_hessian(kinds, exact)
        return self._check_structured(kinds, exact)

    def _sampler(self, kinds):
        """A derivation of the entry's variables, used only to draw them (random numbers,
        generic symbols) with the shapes and kinds the derivations use."""
        return Derivation(self.name, self.shapes, self.variable, self.function,
                          [Step("x", lambda **env: 0.0)], kinds=kinds,
                          exact_sizes=self.exact, numeric_sizes=self.numeric)

    def _numbers(self, kinds, seed=0):
        rng = np.random.default_rng([seed, 0x63617461])
        return self._sampler(kinds)._numbers(self.numeric, rng)

    def _symbols(self, kinds):
        return self._sampler(kinds)._symbols(self.exact)

    def _check_jacobian(self, kinds):
        errors = []
        for seed in (0, 1):
            env = self._numbers(kinds, seed)
            var = self.variable
            J = jacobian(lambda V: _call(self.function, {**env, var: V}), env[var])
            claimed = np.asarray(_call(self.derivative, env), dtype=float)
            if claimed.shape != J.shape:
                raise ValueError(f"entry {self.name!r}: the claimed Jacobian has shape "
                                 f"{claimed.shape}, the function's Jacobian has shape {J.shape}")
            errors.append(float(np.max(np.abs(claimed - J)) / max(np.max(np.abs(J)), 1e-300)))
        error = max(errors)
        passed = error <= 1e-7
        how = (f"numeric: every entry of the Jacobian array at {_sizes_text(self.numeric)}, "
               f"two random points, relative error {error:.0e}")
        return EntryResult(passed, None, error, how)

    def _check_hessian(self, kinds, exact):
        var = self.variable
        ident = None
        if exact and self.exact is not None:
            sym = self._symbols(kinds)
            s, t = sp.Dummy("s"), sp.Dummy("t")
            V = matrix("V", *sym[var].shape)
            W = matrix("W", *sym[var].shape)
            moved = {**sym, var: sym[var] + s * V + t * W}
            value = _scalar(_call(self.function, moved))
            second = sp.diff(value, s, t).subs({s: 0, t: 0})
            ident = verify(second, frob(W, _call(self.derivative, {**sym, "V": V})))
        checks = []
        for seed in (0, 1):
            env = self._numbers(kinds, seed)
            checks.append(check_hessian(
                lambda Y: _call(self.function, {**env, var: Y}), env[var],
                hvp=lambda Y, V: _call(self.derivative, {**env, var: Y, "V": V}),
                grad=lambda Y: _call(self.gradient, {**env, var: Y}), seed=seed))
        worst = max(checks, key=lambda c: c.error)
        passed = all(c.passed for c in checks) and (ident is None or ident.passed)
        return EntryResult(passed, ident, worst, _how(ident, self.exact if exact else None,
                                                      worst, self.numeric))

    def _check_structured(self, kinds, exact=True):
        """Symmetric-partials: exact partials w.r.t. the distinct entries of a symmetric
        variable; the gradient check along symmetric directions is expected to FAIL.
        Diagonal-gradient: the gradient along diagonal directions, expected to pass."""
        var = self.variable
        env = self._numbers(kinds)
        X0 = env[var]
        if self.kind == "symmetric-partials":
            ident = None
            if exact:
                sym = self._symbols({**kinds, var: "symmetric"})
                value = _scalar(_call(self.function, sym))
                ident = verify(symbolic_gradient(value, sym[var]), _call(self.derivative, sym))
            as_gradient = check_gradient(lambda Y: _call(self.function, {**env, var: Y}),
                                         lambda Y: _call(self.derivative, {**env, var: Y}),
                                         X0, project=lambda V: (V + V.T) / 2)
            passed = (ident is None or ident.passed) and not as_gradient.passed
            how = (f"exact: proved at {_sizes_text(self.exact)} as partial derivatives with "
                   f"respect to the distinct entries; as a gradient along symmetric directions "
                   f"it FAILS (relative error {as_gradient.error:.1e}), as it should")
            return EntryResult(passed, ident, as_gradient, how)
        diag = lambda V: np.diag(np.diag(V))  # noqa: E731
        result = check_gradient(lambda Y: _call(self.function, {**env, var: Y}),
                                lambda Y: _call(self.derivative, {**env, var: Y}),
                                diag(X0), project=diag)
        how = (f"numeric: gradient along diagonal directions at {_sizes_text(self.numeric)}, "
               f"relative error {result.error:.0e}")
        return EntryResult(result.passed, None, result, how)

    # -- deliberate corruptions, for the tests --------------------------------------------
    def corrupted(self, how):
        """A copy whose derivative is wrong: ``"transpose"``, ``"sign"`` or ``"factor"``."""
        D = self.derivative
        if how == "transpose":
            def bad(**env):
                out = _call(D, env)
                # For a Jacobian array, transpose the variable's pair of indices.
                return np.swapaxes(out, -1, -2) if np.ndim(out) > 2 else out.T
        elif how == "sign":
            def bad(**env):
                return -_call(D, env)
        elif how == "factor":
            def bad(**env):
                return 2 * _call(D, env)
        else:
            raise ValueError(f"unknown corruption {how!r}: use transpose, sign or factor")
        return dataclasses.replace(self, name=f"{self.name} [{how}]", derivative=bad)

    def search_text(self):
        """What the catalogue page's filter matches against."""
        return " ".join(str(x) for x in (self.name, self.section, self.expression,
                                         self.result, self.cookbook or "", self.conditions))


def _sizes_text(sizes):
    return ", ".join(f"{k}={v}" for k, v in (sizes or {}).items()) or "-"


def _how(ident, exact_sizes, numeric, numeric_sizes):
    parts = []
    if ident is not None:
        parts.append(f"exact: {ident.status} at {_sizes_text(exact_sizes)}")
    else:
        parts.append("exact: not feasible")
    if numeric is not None:
        err = numeric.error if hasattr(numeric, "error") else numeric
        method = f", {numeric.method}" if hasattr(numeric, "method") else ""
        parts.append(f"numeric: relative error {err:.0e} at {_sizes_text(numeric_sizes)}"
                     f"{method}")
    return "; ".join(parts)


# ==========================================================================================
# The entries
# ==========================================================================================

def _sq(X):
    return X @ X


def _norm2(x):
    value = frob(x, x)
    return sp.sqrt(value) if isinstance(value, sp.Expr) else float(np.sqrt(value))


def _eig_top(A):
    w, V = np.linalg.eigh((A + A.T) / 2)
    v = V[:, -1:]
    return w[-1], v * np.sign(v[0, 0])


SECTIONS = ("Determinants", "Inverses", "Eigenvalues", "Linear forms", "Quadratic forms",
            "Higher order and non-linear forms", "Hessians", "Traces, first order",
            "Traces, second order", "Traces, higher order", "Traces of inverses",
            "Norms", "Hadamard products and elementwise functions", "Kronecker products and vec",
            "Differentials", "Structured matrices")


def _build():
    E = []

    def grad(section, name, expression, result, shapes, f, g, **kw):
        E.append(Entry(name, section, expression, result, "gradient", shapes, f, g, **kw))

    def diff(section, name, expression, result, shapes, f, d, **kw):
        E.append(Entry(name, section, expression, result, "differential", shapes, f, d, **kw))

    nn = "nn"
    # ---------------------------------------------------------------- determinants (2.1)
    s = "Determinants"
    grad(s, "det X", r"\det X", r"\det(X)\,X^{-\T}", {"X": nn},
         lambda X: det(X), lambda X: det(X) * inv(X).T, cookbook="49",
         exact_sizes={"n": 3})
    grad(s, "det(AXB)", r"\det(AXB)", r"\det(AXB)\,X^{-\T}", {"A": nn, "X": nn, "B": nn},
         lambda A, X, B: det(A @ X @ B), lambda A, X, B: det(A @ X @ B) * inv(X).T,
         cookbook="51")
    grad(s, "det(X^T A X), X square", r"\det(X^\T AX)", r"2\det(X^\T AX)\,X^{-\T}",
         {"X": nn, "A": nn}, lambda X, A: det(X.T @ A @ X),
         lambda X, A: 2 * det(X.T @ A @ X) * inv(X).T, cookbook="52")
    grad(s, "det(X^T A X), A symmetric", r"\det(X^\T AX)",
         r"2\det(X^\T AX)\,AX(X^\T AX)^{-1}", {"X": "mn", "A": "mm"},
         lambda X, A: det(X.T @ A @ X),
         lambda X, A: 2 * det(X.T @ A @ X) * A @ X @ inv(X.T @ A @ X), cookbook="53",
         kinds={"A": "symmetric"}, conditions="$A$ symmetric, $X$ tall",
         exact_sizes={"m": 2, "n": 2})
    grad(s, "det(X^T A X), general A", r"\det(X^\T AX)",
         r"\det(X^\T AX)\bigl(AX(X^\T AX)^{-1} + A^\T X(X^\T A^\T X)^{-1}\bigr)",
         {"X": "mn", "A": "mm"}, lambda X, A: det(X.T @ A @ X),
         lambda X, A: det(X.T @ A @ X) * (A @ X @ inv(X.T @ A @ X)
                                          + A.T @ X @ inv(X.T @ A.T @ X)),
         cookbook="54", conditions="$X$ tall", exact_sizes={"m": 2, "n": 2})
    grad(s, "log det(X^T X)", r"\log\det(X^\T X)", r"2X(X^\T X)^{-1} = 2(X^+)^\T",
         {"X": "mn"}, lambda X: logdet(X.T @ X), lambda X: 2 * X @ inv(X.T @ X),
         cookbook="55", conditions="$X$ tall, full column rank")
    grad(s, "log|det X|", r"\log\lvert\det X\rvert", r"X^{-\T}", {"X": nn},
         lambda X: logdet(X), lambda X: inv(X).T, cookbook="57", exact_sizes={"n": 3})
    grad(s, "det(X^k)", r"\det(X^3)", r"3\det(X^3)\,X^{-\T}", {"X": nn},
         lambda X: det(matrix_power(X, 3)), lambda X: 3 * det(matrix_power(X, 3)) * inv(X).T,
         cookbook="58", note="shown for $k = 3$")
    grad(s, "det(X^-1)", r"\det(X^{-1})", r"-\det(X^{-1})\,X^{-\T}", {"X": nn},
         lambda X: det(inv(X)), lambda X: -det(inv(X)) * inv(X).T, cookbook="62")
    grad(s, "log det S, S spd", r"\log\det S", r"S^{-1}", {"X": nn},
         lambda X: logdet(X), lambda X: inv(X), kinds={"X": "spd"},
         conditions="$S = X$ symmetric positive definite; directions symmetric",
         note="the gradient on the symmetric matrices; compare the entry for (141)")
    grad(s, "det(X + A)", r"\det(X + A)", r"\det(X + A)\,(X + A)^{-\T}", {"X": nn, "A": nn},
         lambda X, A: det(X + A), lambda X, A: det(X + A) * inv(X + A).T)
    # ---------------------------------------------------------------- inverses (2.2)
    s = "Inverses"
    diff(s, "d(X^-1)", r"X^{-1}", r"-X^{-1}\,\d X\,X^{-1}", {"X": nn},
         lambda X: inv(X), lambda X, dX: -inv(X) @ dX @ inv(X), cookbook="59")
    grad(s, "a^T X^-1 b", r"a^\T X^{-1} b", r"-X^{-\T} a b^\T X^{-\T}",
         {"a": "n1", "X": nn, "b": "n1"}, lambda a, X, b: (a.T @ inv(X) @ b)[0, 0],
         lambda a, X, b: -inv(X).T @ a @ b.T @ inv(X).T, cookbook="61")
    grad(s, "tr(A X^-1 B)", r"\tr(AX^{-1}B)", r"-(X^{-1}BAX^{-1})^\T",
         {"A": "pn", "X": nn, "B": "np"}, lambda A, X, B: tr(A @ inv(X) @ B),
         lambda A, X, B: -(inv(X) @ B @ A @ inv(X)).T, cookbook="63")
    grad(s, "tr((X + A)^-1)", r"\tr\bigl((X + A)^{-1}\bigr)", r"-\bigl((X + A)^{-2}\bigr)^\T",
         {"X": nn, "A": nn}, lambda X, A: tr(inv(X + A)),
         lambda X, A: -(inv(X + A) @ inv(X + A)).T, cookbook="64")
    grad(s, "tr(X^-1)", r"\tr(X^{-1})", r"-(X^{-2})^\T", {"X": nn},
         lambda X: tr(inv(X)), lambda X: -(inv(X) @ inv(X)).T)
    diff(s, "d(A X^-1 B)", r"AX^{-1}B", r"-AX^{-1}\,\d X\,X^{-1}B",
         {"A": "pn", "X": nn, "B": "nq"}, lambda A, X, B: A @ inv(X) @ B,
         lambda A, X, B, dX: -A @ inv(X) @ dX @ inv(X) @ B)
    diff(s, "d((X^T X)^-1)", r"(X^\T X)^{-1}",
         r"-(X^\T X)^{-1}\bigl((\d X)^\T X + X^\T \d X\bigr)(X^\T X)^{-1}", {"X": "mn"},
         lambda X: inv(X.T @ X),
         lambda X, dX: -inv(X.T @ X) @ (dX.T @ X + X.T @ dX) @ inv(X.T @ X),
         exact_sizes={"m": 3, "n": 1})
    diff(s, "d(X^-T)", r"X^{-\T}", r"-X^{-\T}(\d X)^\T X^{-\T}", {"X": nn},
         lambda X: inv(X).T, lambda X, dX: -inv(X).T @ dX.T @ inv(X).T)
    # ---------------------------------------------------------------- eigenvalues (2.3)
    s = "Eigenvalues"
    grad(s, "sum of eigenvalues", r"\textstyle\sum_i \lambda_i(X) = \tr X", "I", {"X": nn},
         lambda X: tr(X), lambda X: eye(X.shape[0], X), cookbook="65")
    grad(s, "product of eigenvalues", r"\textstyle\prod_i \lambda_i(X) = \det X",
         r"\det(X)\,X^{-\T}", {"X": nn}, lambda X: det(X), lambda X: det(X) * inv(X).T,
         cookbook="66")
    diff(s, "simple eigenvalue", r"\lambda_{\max}(A)", r"v^\T \d A\, v", {"A": nn},
         lambda A: _eig_top(A)[0],
         lambda A, dA: (_eig_top(A)[1].T @ dA @ _eig_top(A)[1])[0, 0], variable="A",
         cookbook="67", kinds={"A": "symmetric"}, exact_sizes=None,
         conditions="$A$ symmetric, $\\lambda$ simple, $v$ its unit eigenvector")
    diff(s, "eigenvector", r"v_{\max}(A)", r"(\lambda I - A)^+\,\d A\, v", {"A": nn},
         lambda A: _eig_top(A)[1],
         lambda A, dA: np.linalg.pinv(_eig_top(A)[0] * np.eye(A.shape[0]) - A)
         @ dA @ _eig_top(A)[1], variable="A", cookbook="68", kinds={"A": "symmetric"},
         exact_sizes=None, conditions="$A$ symmetric, $\\lambda$ simple, $v$ unit")
    grad(s, "Rayleigh quotient", r"\dfrac{x^\T A x}{x^\T x}",
         r"\dfrac{2}{x^\T x}\Bigl(Ax - \dfrac{x^\T A x}{x^\T x}\,x\Bigr)",
         {"x": "n1", "A": nn}, lambda x, A: (x.T @ A @ x)[0, 0] / frob(x, x),
         lambda x, A: 2 / frob(x, x) * (A @ x - (x.T @ A @ x)[0, 0] / frob(x, x) * x),
         variable="x", kinds={"A": "symmetric"}, conditions="$A$ symmetric")
    grad(s, "generalized Rayleigh quotient",
         r"\dfrac{(Ax)^\T(Ax)}{(Bx)^\T(Bx)}",
         r"\dfrac{2A^\T Ax}{x^\T B^\T Bx} - \dfrac{2\,x^\T A^\T Ax\;B^\T Bx}{(x^\T B^\T Bx)^2}",
         {"x": "n1", "A": "mn", "B": "mn"},
         lambda x, A, B: frob(A @ x, A @ x) / frob(B @ x, B @ x),
         lambda x, A, B: 2 * A.T @ A @ x / frob(B @ x, B @ x)
         - 2 * frob(A @ x, A @ x) * B.T @ B @ x / frob(B @ x, B @ x) ** 2,
         variable="x", cookbook="94-95")
    # ---------------------------------------------------------------- linear forms (2.4.1)
    s = "Linear forms"
    grad(s, "x^T a", r"x^\T a = a^\T x", "a", {"x": "n1", "a": "n1"},
         lambda x, a: (x.T @ a)[0, 0], lambda x, a: a, variable="x", cookbook="69")
    grad(s, "a^T X b", r"a^\T X b", r"a b^\T", {"a": "m1", "X": "mn", "b": "n1"},
         lambda a, X, b: (a.T @ X @ b)[0, 0], lambda a, X, b: a @ b.T, cookbook="70")
    grad(s, "a^T X^T b", r"a^\T X^\T b", r"b a^\T", {"a": "n1", "X": "mn", "b": "m1"},
         lambda a, X, b: (a.T @ X.T @ b)[0, 0], lambda a, X, b: b @ a.T, cookbook="71")
    grad(s, "a^T X a", r"a^\T X a", r"a a^\T", {"a": "n1", "X": nn},
         lambda a, X: (a.T @ X @ a)[0, 0], lambda a, X: a @ a.T, cookbook="72")
    E.append(Entry("d(XA)_ij/dX_mn", s, r"\partial (XA)_{ij}/\partial X_{mn}",
                   r"\delta_{im}A_{nj}", "jacobian", {"X": "mn", "A": "np"},
                   lambda X, A: X @ A,
                   lambda X, A: np.einsum("im,nj->ijmn", np.eye(X.shape[0]), A),
                   cookbook="74"))
    E.append(Entry("d(X^T A)_ij/dX_mn", s, r"\partial (X^\T A)_{ij}/\partial X_{mn}",
                   r"\delta_{in}A_{mj}", "jacobian", {"X": "mn", "A": "mp"},
                   lambda X, A: X.T @ A,
                   lambda X, A: np.einsum("in,mj->ijmn", np.eye(X.shape[1]), A),
                   cookbook="75"))
    grad(s, "tr(A^T X)", r"\tr(A^\T X) = A : X", "A", {"A": "mn", "X": "mn"},
         lambda A, X: tr(A.T @ X), lambda A, X: A)
    # ---------------------------------------------------------------- quadratic forms (2.4.2)
    s = "Quadratic forms"
    grad(s, "b^T X^T X c", r"b^\T X^\T X c", r"X(bc^\T + cb^\T)",
         {"b": "n1", "X": "mn", "c": "n1"}, lambda b, X, c: (b.T @ X.T @ X @ c)[0, 0],
         lambda b, X, c: X @ (b @ c.T + c @ b.T), cookbook="77")
    grad(s, "(Bx + b)^T C (Dx + d)", r"(Bx + b)^\T C(Dx + d)",
         r"B^\T C(Dx + d) + D^\T C^\T(Bx + b)",
         {"x": "n1", "B": "mn", "b": "m1", "C": "mp", "D": "pn", "d": "p1"},
         lambda x, B, b, C, D, d: ((B @ x + b).T @ C @ (D @ x + d))[0, 0],
         lambda x, B, b, C, D, d: B.T @ C @ (D @ x + d) + D.T @ C.T @ (B @ x + b),
         variable="x", cookbook="78")
    diff(s, "d(X^T B X)", r"X^\T BX", r"(\d X)^\T BX + X^\T B\,\d X", {"X": "mn", "B": "mm"},
         lambda X, B: X.T @ B @ X, lambda X, B, dX: dX.T @ B @ X + X.T @ B @ dX,
         cookbook="80", note="the Cookbook gives the derivative by one entry: $\\d X = J^{ij}$")
    grad(s, "x^T B x", r"x^\T Bx", r"(B + B^\T)x", {"x": "n1", "B": nn},
         lambda x, B: (x.T @ B @ x)[0, 0], lambda x, B: (B + B.T) @ x, variable="x",
         cookbook="81")
    grad(s, "b^T X^T D X c", r"b^\T X^\T DXc", r"D^\T Xbc^\T + DXcb^\T",
         {"b": "n1", "X": "mn", "D": "mm", "c": "n1"},
         lambda b, X, D, c: (b.T @ X.T @ D @ X @ c)[0, 0],
         lambda b, X, D, c: D.T @ X @ b @ c.T + D @ X @ c @ b.T, cookbook="82")
    grad(s, "(Xb + c)^T D (Xb + c)", r"(Xb + c)^\T D(Xb + c)", r"(D + D^\T)(Xb + c)b^\T",
         {"X": "mn", "b": "n1", "c": "m1", "D": "mm"},
         lambda X, b, c, D: ((X @ b + c).T @ D @ (X @ b + c))[0, 0],
         lambda X, b, c, D: (D + D.T) @ (X @ b + c) @ b.T, cookbook="83")
    wls = {"x": "m1", "A": "mn", "s": "n1", "W": "mm"}

    def q(x, A, s, W):
        r = x - A @ s
        return (r.T @ W @ r)[0, 0]

    grad(s, "weighted LS in s", r"(x - As)^\T W(x - As)", r"-2A^\T W(x - As)", wls, q,
         lambda x, A, s, W: -2 * A.T @ W @ (x - A @ s), variable="s", cookbook="84",
         kinds={"W": "symmetric"}, conditions="$W$ symmetric")
    grad(s, "weighted LS in s, general W", r"(x - As)^\T W(x - As)",
         r"-A^\T(W + W^\T)(x - As)", wls, q,
         lambda x, A, s, W: -A.T @ (W + W.T) @ (x - A @ s), variable="s")
    grad(s, "weighted distance in x", r"(x - s)^\T W(x - s)", r"2W(x - s)",
         {"x": "m1", "s": "m1", "W": "mm"},
         lambda x, s, W: ((x - s).T @ W @ (x - s))[0, 0],
         lambda x, s, W: 2 * W @ (x - s), variable="x", cookbook="85",
         kinds={"W": "symmetric"}, conditions="$W$ symmetric")
    grad(s, "weighted distance in s", r"(x - s)^\T W(x - s)", r"-2W(x - s)",
         {"x": "m1", "s": "m1", "W": "mm"},
         lambda x, s, W: ((x - s).T @ W @ (x - s))[0, 0],
         lambda x, s, W: -2 * W @ (x - s), variable="s", cookbook="86",
         kinds={"W": "symmetric"}, conditions="$W$ symmetric")
    grad(s, "weighted LS in x", r"(x - As)^\T W(x - As)", r"2W(x - As)", wls, q,
         lambda x, A, s, W: 2 * W @ (x - A @ s), variable="x", cookbook="87",
         kinds={"W": "symmetric"}, conditions="$W$ symmetric")
    grad(s, "weighted LS in A", r"(x - As)^\T W(x - As)", r"-2W(x - As)s^\T", wls, q,
         lambda x, A, s, W: -2 * W @ (x - A @ s) @ s.T, variable="A", cookbook="88",
         kinds={"W": "symmetric"}, conditions="$W$ symmetric")
    grad(s, "least squares", r"\tfrac12\lVert WX - Y\rVert_F^2", r"(WX - Y)X^\T",
         {"W": "mn", "X": "nk", "Y": "mk"},
         lambda W, X, Y: frob(W @ X - Y, W @ X - Y) / 2,
         lambda W, X, Y: (W @ X - Y) @ X.T, variable="W",
         note="the opening question of this book")
    # ---------------------------------------------------------------- higher order (2.4.3)
    s = "Higher order and non-linear forms"
    grad(s, "a^T X^n b", r"a^\T X^3 b", r"\textstyle\sum_{r=0}^{2}(X^r)^\T ab^\T(X^{2-r})^\T",
         {"a": "n1", "X": nn, "b": "n1"}, lambda a, X, b: (a.T @ matrix_power(X, 3) @ b)[0, 0],
         lambda a, X, b: sum((matrix_power(X, r).T @ a @ b.T @ matrix_power(X, 2 - r).T for r in range(3)),
                             start=0 * X), cookbook="91", note="shown for $n = 3$")
    E.append(Entry("d(X^n)_kl/dX_ij", s, r"\partial (X^3)_{kl}/\partial X_{ij}",
                   r"\textstyle\sum_{r=0}^{2}(X^r J^{ij} X^{2-r})_{kl}", "jacobian", {"X": nn},
                   lambda X: X @ X @ X,
                   lambda X: sum(np.einsum("ki,jl->klij", np.linalg.matrix_power(X, r),
                                           np.linalg.matrix_power(X, 2 - r))
                                 for r in range(3)),
                   cookbook="90", note="shown for $n = 3$"))
    E.append(Entry("d(X^-1)_kl/dX_ij", s, r"\partial (X^{-1})_{kl}/\partial X_{ij}",
                   r"-(X^{-1})_{ki}(X^{-1})_{jl}", "jacobian", {"X": nn},
                   lambda X: np.linalg.inv(X),
                   lambda X: -np.einsum("ki,jl->klij", np.linalg.inv(X), np.linalg.inv(X)),
                   cookbook="60"))
    # ---------------------------------------------------------------- hessians
    s = "Hessians"

    def hess(name, expression, result, shapes, f, g, h, **kw):
        E.append(Entry(name, s, expression, result, "hessian", shapes, f, h, gradient=g, **kw))

    hess("x^T A x + b^T x", r"x^\T Ax + b^\T x", r"A + A^\T", {"x": "n1", "A": nn, "b": "n1"},
         lambda x, A, b: (x.T @ A @ x + b.T @ x)[0, 0],
         lambda x, A, b: (A + A.T) @ x + b, lambda x, A, b, V: (A + A.T) @ V,
         variable="x", cookbook="96, 98")
    hess("least squares Hessian", r"\tfrac12\lVert WX - Y\rVert_F^2",
         r"H[V] = VXX^\T;\ \text{on } \vec W:\ XX^\T \kron I",
         {"W": "mn", "X": "nk", "Y": "mk"}, lambda W, X, Y: frob(W @ X - Y, W @ X - Y) / 2,
         lambda W, X, Y: (W @ X - Y) @ X.T, lambda W, X, Y, V: V @ X @ X.T, variable="W")
    hess("log det Hessian", r"\log\lvert\det X\rvert",
         r"H[V] = -X^{-\T} V^\T X^{-\T}", {"X": nn}, lambda X: logdet(X),
         lambda X: inv(X).T, lambda X, V: -inv(X).T @ V.T @ inv(X).T)
    hess("tr(X^T A X) Hessian", r"\tr(X^\T AX)", r"H[V] = (A + A^\T)V",
         {"X": "mn", "A": "mm"}, lambda X, A: tr(X.T @ A @ X),
         lambda X, A: (A + A.T) @ X, lambda X, A, V: (A + A.T) @ V)
    hess("tr(X^-1) Hessian", r"\tr(X^{-1})",
         r"H[V] = (X^{-1}VX^{-2} + X^{-2}VX^{-1})^\T", {"X": nn}, lambda X: tr(inv(X)),
         lambda X: -(inv(X) @ inv(X)).T,
         lambda X, V: (inv(X) @ V @ inv(X) @ inv(X) + inv(X) @ inv(X) @ V @ inv(X)).T)
    # ---------------------------------------------------------------- traces (2.5.1)
    s = "Traces, first order"
    grad(s, "tr X", r"\tr X", "I", {"X": nn}, lambda X: tr(X),
         lambda X: eye(X.shape[0], X), cookbook="99")
    grad(s, "tr(XA)", r"\tr(XA)", r"A^\T", {"X": "mn", "A": "nm"}, lambda X, A: tr(X @ A),
         lambda X, A: A.T, cookbook="100")
    grad(s, "tr(AXB)", r"\tr(AXB)", r"A^\T B^\T", {"A": "pm", "X": "mn", "B": "np"},
         lambda A, X, B: tr(A @ X @ B), lambda A, X, B: A.T @ B.T, cookbook="101")
    grad(s, "tr(AX^TB)", r"\tr(AX^\T B)", r"BA", {"A": "pn", "X": "mn", "B": "mp"},
         lambda A, X, B: tr(A @ X.T @ B), lambda A, X, B: B @ A, cookbook="102")
    grad(s, "tr(X^TA)", r"\tr(X^\T A)", "A", {"X": "mn", "A": "mn"},
         lambda X, A: tr(X.T @ A), lambda X, A: A, cookbook="103")
    grad(s, "tr(AX^T)", r"\tr(AX^\T)", "A", {"A": "mn", "X": "mn"},
         lambda A, X: tr(A @ X.T), lambda A, X: A, cookbook="104")
    grad(s, "tr(A kron X)", r"\tr(A\kron X)", r"\tr(A)\,I", {"A": "pp", "X": nn},
         lambda A, X: tr(kron(A, X)), lambda A, X: tr(A) * eye(X.shape[0], X), cookbook="105")
    # ---------------------------------------------------------------- traces (2.5.2)
    s = "Traces, second order"
    grad(s, "tr(X^2)", r"\tr(X^2)", r"2X^\T", {"X": nn}, lambda X: tr(_sq(X)),
         lambda X: 2 * X.T, cookbook="106")
    grad(s, "tr(X^2 B)", r"\tr(X^2B)", r"(XB + BX)^\T", {"X": nn, "B": nn},
         lambda X, B: tr(_sq(X) @ B), lambda X, B: (X @ B + B @ X).T, cookbook="107")
    grad(s, "tr(X^T B X)", r"\tr(X^\T BX)", r"BX + B^\T X", {"X": "mn", "B": "mm"},
         lambda X, B: tr(X.T @ B @ X), lambda X, B: B @ X + B.T @ X, cookbook="108")
    grad(s, "tr(B X X^T)", r"\tr(BXX^\T)", r"BX + B^\T X", {"X": "mn", "B": "mm"},
         lambda X, B: tr(B @ X @ X.T), lambda X, B: B @ X + B.T @ X, cookbook="109")
    grad(s, "tr(X X^T B)", r"\tr(XX^\T B)", r"BX + B^\T X", {"X": "mn", "B": "mm"},
         lambda X, B: tr(X @ X.T @ B), lambda X, B: B @ X + B.T @ X, cookbook="110")
    grad(s, "tr(X B X^T)", r"\tr(XBX^\T)", r"XB^\T + XB", {"X": "mn", "B": nn},
         lambda X, B: tr(X @ B @ X.T), lambda X, B: X @ B.T + X @ B, cookbook="111")
    grad(s, "tr(B X^T X)", r"\tr(BX^\T X)", r"XB^\T + XB", {"X": "mn", "B": nn},
         lambda X, B: tr(B @ X.T @ X), lambda X, B: X @ B.T + X @ B, cookbook="112")
    grad(s, "tr(X^T X B)", r"\tr(X^\T XB)", r"XB^\T + XB", {"X": "mn", "B": nn},
         lambda X, B: tr(X.T @ X @ B), lambda X, B: X @ B.T + X @ B, cookbook="113")
    grad(s, "tr(AXBX)", r"\tr(AXBX)", r"A^\T X^\T B^\T + B^\T X^\T A^\T",
         {"A": "nm", "X": "mn", "B": "nm"}, lambda A, X, B: tr(A @ X @ B @ X),
         lambda A, X, B: A.T @ X.T @ B.T + B.T @ X.T @ A.T, cookbook="114")
    grad(s, "tr(X^T X)", r"\tr(X^\T X) = \lVert X\rVert_F^2", "2X", {"X": "mn"},
         lambda X: tr(X.T @ X), lambda X: 2 * X, cookbook="115")
    grad(s, "tr(B^T X^T C X B)", r"\tr(B^\T X^\T CXB)", r"C^\T XBB^\T + CXBB^\T",
         {"B": "np", "X": "mn", "C": "mm"}, lambda B, X, C: tr(B.T @ X.T @ C @ X @ B),
         lambda B, X, C: C.T @ X @ B @ B.T + C @ X @ B @ B.T, cookbook="116")
    grad(s, "tr(X^T B X C)", r"\tr(X^\T BXC)", r"BXC + B^\T XC^\T",
         {"X": "mn", "B": "mm", "C": nn}, lambda X, B, C: tr(X.T @ B @ X @ C),
         lambda X, B, C: B @ X @ C + B.T @ X @ C.T, cookbook="117")
    grad(s, "tr(AXBX^TC)", r"\tr(AXBX^\T C)", r"A^\T C^\T XB^\T + CAXB",
         {"A": "pm", "X": "mn", "B": nn, "C": "mp"},
         lambda A, X, B, C: tr(A @ X @ B @ X.T @ C),
         lambda A, X, B, C: A.T @ C.T @ X @ B.T + C @ A @ X @ B, cookbook="118")
    grad(s, "tr[(AXB + C)(AXB + C)^T]", r"\tr\bigl[(AXB + C)(AXB + C)^\T\bigr]",
         r"2A^\T(AXB + C)B^\T", {"A": "pm", "X": "mn", "B": "nq", "C": "pq"},
         lambda A, X, B, C: tr((A @ X @ B + C) @ (A @ X @ B + C).T),
         lambda A, X, B, C: 2 * A.T @ (A @ X @ B + C) @ B.T, cookbook="119")
    grad(s, "tr(X kron X)", r"\tr(X\kron X)", r"2\tr(X)\,I", {"X": nn},
         lambda X: tr(kron(X, X)), lambda X: 2 * tr(X) * eye(X.shape[0], X), cookbook="120")
    # ---------------------------------------------------------------- traces (2.5.3)
    s = "Traces, higher order"
    grad(s, "tr(X^k)", r"\tr(X^4)", r"4(X^3)^\T", {"X": nn}, lambda X: tr(matrix_power(X, 4)),
         lambda X: 4 * matrix_power(X, 3).T, cookbook="121", note="shown for $k = 4$")
    grad(s, "tr(A X^k)", r"\tr(AX^3)", r"\textstyle\sum_{r=0}^{2}(X^rAX^{2-r})^\T",
         {"A": nn, "X": nn}, lambda A, X: tr(A @ matrix_power(X, 3)),
         lambda A, X: sum(((matrix_power(X, r) @ A @ matrix_power(X, 2 - r)).T for r in range(3)),
                          start=0 * X), cookbook="122", note="shown for $k = 3$")
    grad(s, "tr(B^T X^T C X X^T C X B)", r"\tr(B^\T X^\T CXX^\T CXB)",
         r"CXX^\T CXBB^\T + C^\T XBB^\T X^\T C^\T X + CXBB^\T X^\T CX + C^\T XX^\T C^\T XBB^\T",
         {"B": "np", "X": "mn", "C": "mm"},
         lambda B, X, C: tr(B.T @ X.T @ C @ X @ X.T @ C @ X @ B),
         lambda B, X, C: (C @ X @ X.T @ C @ X @ B @ B.T + C.T @ X @ B @ B.T @ X.T @ C.T @ X
                          + C @ X @ B @ B.T @ X.T @ C @ X + C.T @ X @ X.T @ C.T @ X @ B @ B.T),
         cookbook="123", exact_sizes={"m": 2, "n": 2, "p": 1})
    # ---------------------------------------------------------------- traces of inverses (2.5.4)
    s = "Traces of inverses"
    tall = {"X": "mn", "C": "mm", "A": nn}
    grad(s, "tr[(X^T C X)^-1 A]", r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
         r"-CX(X^\T CX)^{-1}(A + A^\T)(X^\T CX)^{-1}", tall,
         lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
         lambda X, C, A: -C @ X @ inv(X.T @ C @ X) @ (A + A.T) @ inv(X.T @ C @ X),
         cookbook="125", kinds={"C": "symmetric"}, conditions="$C$ symmetric",
         exact_sizes={"m": 2, "n": 2})
    grad(s, "tr[(X^T C X)^-1 A], general C", r"\tr\bigl[(X^\T CX)^{-1}A\bigr]",
         r"-CXM^{-1}AM^{-1} - C^\T XM^{-\T}A^\T M^{-\T},\ M = X^\T CX", tall,
         lambda X, C, A: tr(inv(X.T @ C @ X) @ A),
         lambda X, C, A: -(C @ X @ inv(X.T @ C @ X) @ A @ inv(X.T @ C @ X)
                           + C.T @ X @ inv(X.T @ C @ X).T @ A.T @ inv(X.T @ C @ X).T),
         exact_sizes={"m": 2, "n": 2})
    tallB = {"X": "mn", "C": "mm", "B": "mm"}
    grad(s, "tr[(X^T C X)^-1 (X^T B X)]", r"\tr\bigl[(X^\T CX)^{-1}(X^\T BX)\bigr]",
         r"-2CX(X^\T CX)^{-1}X^\T BX(X^\T CX)^{-1} + 2BX(X^\T CX)^{-1}", tallB,
         lambda X, C, B: tr(inv(X.T @ C @ X) @ X.T @ B @ X),
         lambda X, C, B: -2 * C @ X @ inv(X.T @ C @ X) @ X.T @ B @ X @ inv(X.T @ C @ X)
         + 2 * B @ X @ inv(X.T @ C @ X),
         cookbook="126", kinds={"B": "symmetric", "C": "symmetric"},
         conditions="$B$, $C$ symmetric", exact_sizes={"m": 2, "n": 2})
    grad(s, "tr[(A + X^T C X)^-1 (X^T B X)]", r"\tr\bigl[(A + X^\T CX)^{-1}(X^\T BX)\bigr]",
         r"-2CXM^{-1}X^\T BXM^{-1} + 2BXM^{-1},\ M = A + X^\T CX",
         {"X": "mn", "A": nn, "C": "mm", "B": "mm"},
         lambda X, A, C, B: tr(inv(A + X.T @ C @ X) @ X.T @ B @ X),
         lambda X, A, C, B: -2 * C @ X @ inv(A + X.T @ C @ X) @ X.T @ B @ X
         @ inv(A + X.T @ C @ X) + 2 * B @ X @ inv(A + X.T @ C @ X),
         cookbook="127", kinds={"A": "symmetric", "B": "symmetric", "C": "symmetric"},
         conditions="$A$, $B$, $C$ symmetric", exact_sizes={"m": 2, "n": 1})
    # ---------------------------------------------------------------- norms (2.6, 2.7)
    s = "Norms"
    grad(s, "||x - a||_2", r"\lVert x - a\rVert_2", r"\dfrac{x - a}{\lVert x - a\rVert_2}",
         {"x": "n1", "a": "n1"}, lambda x, a: _norm2(x - a),
         lambda x, a: (x - a) / _norm2(x - a), variable="x", cookbook="129",
         conditions="$x \\ne a$")
    diff(s, "(x - a)/||x - a||_2", r"\dfrac{x - a}{\lVert x - a\rVert_2}",
         r"\Bigl(\dfrac{I}{\lVert x - a\rVert_2}"
         r" - \dfrac{(x - a)(x - a)^\T}{\lVert x - a\rVert_2^3}\Bigr)\d x",
         {"x": "n1", "a": "n1"}, lambda x, a: (x - a) / _norm2(x - a),
         lambda x, a, dx: dx / _norm2(x - a) - (x - a) @ (x - a).T @ dx / _norm2(x - a) ** 3,
         variable="x", cookbook="130")
    grad(s, "||x||_2^2", r"\lVert x\rVert_2^2", "2x", {"x": "n1"}, lambda x: frob(x, x),
         lambda x: 2 * x, variable="x", cookbook="131")
    grad(s, "||X||_F^2", r"\lVert X\rVert_F^2", "2X", {"X": "mn"}, lambda X: frob(X, X),
         lambda X: 2 * X, cookbook="132")
    grad(s, "||X||_F", r"\lVert X\rVert_F", r"X/\lVert X\rVert_F", {"X": "mn"},
         lambda X: _norm2(X), lambda X: X / _norm2(X), conditions="$X \\ne 0$")
    grad(s, "||AX - B||_F^2", r"\lVert AX - B\rVert_F^2", r"2A^\T(AX - B)",
         {"A": "pm", "X": "mn", "B": "pn"}, lambda A, X, B: frob(A @ X - B, A @ X - B),
         lambda A, X, B: 2 * A.T @ (A @ X - B))
    grad(s, "spectral norm", r"\lVert X\rVert_2 = \sigma_{\max}(X)", r"u_1 v_1^\T",
         {"X": "mn"}, lambda X: float(np.linalg.norm(X, 2)),
         lambda X: np.outer(np.linalg.svd(X)[0][:, 0], np.linalg.svd(X)[2][0]),
         exact_sizes=None, conditions="$\\sigma_{\\max}$ simple; $u_1$, $v_1$ its singular vectors")
    grad(s, "nuclear norm", r"\lVert X\rVert_* = \textstyle\sum_i\sigma_i(X)", r"UV^\T",
         {"X": "mn"}, lambda X: float(np.sum(np.linalg.svd(X, compute_uv=False))),
         lambda X: np.linalg.svd(X, full_matrices=False)[0]
         @ np.linalg.svd(X, full_matrices=False)[2], exact_sizes=None,
         conditions="$X$ of full rank, thin SVD $X = U\\Sigma V^\\T$")
    # ---------------------------------------------------------------- hadamard and elementwise
    s = "Hadamard products and elementwise functions"
    grad(s, "1^T (A o X) 1", r"\mathbf 1^\T(A\had X)\mathbf 1 = A : X", "A",
         {"A": "mn", "X": "mn"}, lambda A, X: frob(A, X), lambda A, X: A)
    grad(s, "A : (X o X)", r"A : (X\had X)", r"2A\had X", {"A": "mn", "X": "mn"},
         lambda A, X: frob(A, hadamard(X, X)), lambda A, X: 2 * hadamard(A, X))
    grad(s, "sum exp(X)", r"\mathbf 1^\T \exp(X)\,\mathbf 1", r"\exp(X)", {"X": "mn"},
         lambda X: frob(ones_like(X), exp(X)), lambda X: exp(X))
    grad(s, "sum log(X)", r"\mathbf 1^\T \log(X)\,\mathbf 1", r"1/X \text{ (entrywise)}",
         {"X": "mn"}, lambda X: frob(ones_like(X), log(X)),
         lambda X: X.applyfunc(lambda x: 1 / x) if is_symbolic_matrix(X) else 1 / X,
         kinds={"X": "positive"}, conditions="$X > 0$ entrywise")
    grad(s, "sum tanh(Xw)", r"\mathbf 1^\T\tanh(Xw)", r"\bigl(1 - \tanh^2(Xw)\bigr)w^\T",
         {"X": "mn", "w": "n1"}, lambda X, w: frob(ones(X.shape[0], 1, X), tanh(X @ w)),
         lambda X, w: (ones(X.shape[0], 1, X) - hadamard(tanh(X @ w), tanh(X @ w))) @ w.T)
    grad(s, "logsumexp", r"\log \mathbf 1^\T\exp(z)", r"\operatorname{softmax}(z)", {"z": "n1"},
         lambda z: log(frob(ones(z.shape[0], 1, z), exp(z)))
         if is_symbolic_matrix(z) else float(np.log(np.sum(np.exp(z)))),
         lambda z: softmax(z), variable="z")
    grad(s, "softmax cross-entropy", r"-y^\T\log\operatorname{softmax}(z)",
         r"(\mathbf 1^\T y)\operatorname{softmax}(z) - y",
         {"z": "n1", "y": "n1"},
         lambda z, y: -frob(y, log(softmax(z))),
         lambda z, y: frob(ones(y.shape[0], 1, y), y) * softmax(z) - y, variable="z",
         note="$\\operatorname{softmax}(z) - y$ when $y$ is a probability vector")
    grad(s, "1^T sigma(Xw)", r"\mathbf 1^\T\sigma(Xw)", r"\sigma'(Xw)\,w^\T",
         {"X": "mn", "w": "n1"}, lambda X, w: frob(ones(X.shape[0], 1, X), sigmoid(X @ w)),
         lambda X, w: hadamard(sigmoid(X @ w), ones(X.shape[0], 1, X) - sigmoid(X @ w)) @ w.T)
    diff(s, "d(X o X)", r"X\had X", r"2X\had\d X", {"X": "mn"},
         lambda X: hadamard(X, X), lambda X, dX: 2 * hadamard(X, dX))
    diff(s, "d exp(X)", r"\exp(X)", r"\exp(X)\had\d X", {"X": "mn"},
         lambda X: exp(X), lambda X, dX: hadamard(exp(X), dX))
    diff(s, "d tanh(X)", r"\tanh(X)", r"\bigl(1 - \tanh^2(X)\bigr)\had\d X", {"X": "mn"},
         lambda X: tanh(X),
         lambda X, dX: hadamard(ones_like(X) - hadamard(tanh(X), tanh(X)),
                                dX))
    # ---------------------------------------------------------------- kronecker and vec
    s = "Kronecker products and vec"
    diff(s, "d vec(AXB)", r"\vec(AXB)", r"(B^\T\kron A)\,\d\vec X",
         {"A": "pm", "X": "mn", "B": "nq"}, lambda A, X, B: vec(A @ X @ B),
         lambda A, X, B, dX: kron(B.T, A) @ vec(dX))
    diff(s, "d(X kron X)", r"X\kron X", r"\d X\kron X + X\kron\d X", {"X": "mn"},
         lambda X: kron(X, X), lambda X, dX: kron(dX, X) + kron(X, dX))
    diff(s, "d(A kron X)", r"A\kron X", r"A\kron\d X", {"A": "pq", "X": "mn"},
         lambda A, X: kron(A, X), lambda A, X, dX: kron(A, dX))
    E.append(Entry("tr(A (X kron B))", s, r"\tr\bigl(A(X\kron B)\bigr)",
                   r"\bigl[\tr(A_{[j,i]}B)\bigr]_{ij}", "gradient",
                   {"A": "ab", "X": "mn", "B": "kk"},
                   lambda A, X, B: tr(A @ kron(X, B)),
                   lambda A, X, B: _kron_trace_gradient(A, X, B),
                   exact_sizes={"m": 2, "n": 2, "k": 2, "a": 4, "b": 4},
                   numeric_sizes={"m": 3, "n": 4, "k": 2, "a": 8, "b": 6},
                   conditions="$A \\in \\R^{nk\\times mk}$; $A_{[j,i]}$ is its $k\\times k$ "
                   "block $(j, i)$"))
    # ---------------------------------------------------------------- differentials
    s = "Differentials"
    diff(s, "d(XY)", "XY", r"\d X\,Y + X\,\d Y", {"X": "mn", "Y": "np"},
         lambda X, Y: X @ Y, lambda X, Y, dX: dX @ Y, note="with $Y$ constant; "
         "see the chapter on differentials for both varying")
    diff(s, "d(X^2)", "X^2", r"\d X\,X + X\,\d X", {"X": nn}, lambda X: _sq(X),
         lambda X, dX: dX @ X + X @ dX)
    diff(s, "d(X^T X)", r"X^\T X", r"(\d X)^\T X + X^\T\d X", {"X": "mn"},
         lambda X: X.T @ X, lambda X, dX: dX.T @ X + X.T @ dX)
    diff(s, "d(X X^T)", r"XX^\T", r"\d X\,X^\T + X(\d X)^\T", {"X": "mn"},
         lambda X: X @ X.T, lambda X, dX: dX @ X.T + X @ dX.T)
    diff(s, "d det X", r"\det X", r"\det(X)\tr(X^{-1}\d X)", {"X": nn},
         lambda X: det(X), lambda X, dX: det(X) * tr(inv(X) @ dX), cookbook="46",
         note="the Cookbook states it for $\\partial\\det(Y)/\\partial x$")
    diff(s, "d log|det X|", r"\log\lvert\det X\rvert", r"\tr(X^{-1}\d X)", {"X": nn},
         lambda X: logdet(X), lambda X, dX: tr(inv(X) @ dX))
    diff(s, "d(X^-1 A X)", r"X^{-1}AX", r"X^{-1}A\,\d X - X^{-1}\d X\,X^{-1}AX",
         {"X": nn, "A": nn}, lambda X, A: inv(X) @ A @ X,
         lambda X, A, dX: inv(X) @ A @ dX - inv(X) @ dX @ inv(X) @ A @ X)
    diff(s, "d(X^3)", "X^3", r"\d X\,X^2 + X\,\d X\,X + X^2\d X", {"X": nn},
         lambda X: matrix_power(X, 3), lambda X, dX: dX @ _sq(X) + X @ dX @ X + _sq(X) @ dX)
    # ---------------------------------------------------------------- structured (2.8)
    s = "Structured matrices"
    sym_note = ("partial derivatives with respect to the $n(n+1)/2$ distinct entries, not a "
                "gradient; the gradient on symmetric matrices is $\\sym(G)$")
    E.append(Entry("tr(AX), X symmetric", s, r"\tr(AX),\ X = X^\T",
                   r"A + A^\T - (A\had I)", "symmetric-partials", {"X": nn, "A": nn},
                   lambda X, A: tr(A @ X),
                   lambda X, A: A + A.T - hadamard(A, eye(A.shape[0], A)), cookbook="139",
                   conditions="$X$ symmetric", note=sym_note))
    E.append(Entry("det X, X symmetric", s, r"\det X,\ X = X^\T",
                   r"\det(X)\bigl(2X^{-1} - (X^{-1}\had I)\bigr)", "symmetric-partials",
                   {"X": nn}, lambda X: det(X),
                   lambda X: det(X) * (2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X))),
                   cookbook="140", conditions="$X$ symmetric", note=sym_note))
    E.append(Entry("log det X, X symmetric", s, r"\log\det X,\ X = X^\T",
                   r"2X^{-1} - (X^{-1}\had I)", "symmetric-partials", {"X": nn},
                   lambda X: logdet(X),
                   lambda X: 2 * inv(X) - hadamard(inv(X), eye(X.shape[0], X)),
                   cookbook="141", kinds={"X": "spd"}, conditions="$X$ symmetric positive "
                   "definite", note=sym_note))
    E.append(Entry("G + G^T - diag G", s, r"f(X),\ X = X^\T,\ \text{here } f = a^\T X b",
                   r"G + G^\T - \diag(G),\ G = ab^\T", "symmetric-partials",
                   {"X": nn, "a": "n1", "b": "n1"}, lambda X, a, b: (a.T @ X @ b)[0, 0],
                   lambda X, a, b: a @ b.T + b @ a.T - hadamard(a @ b.T, eye(X.shape[0], X)),
                   cookbook="138", conditions="$X$ symmetric", note=sym_note))
    E.append(Entry("tr(AX), X diagonal", s, r"\tr(AX),\ X \text{ diagonal}", r"A\had I",
                   "diagonal-gradient", {"X": nn, "A": nn}, lambda X, A: tr(A @ X),
                   lambda X, A: hadamard(A, eye(A.shape[0], A)), cookbook="142",
                   conditions="$X$ diagonal",
                   note="the gradient on the diagonal matrices: a true gradient"))
    return E


def _kron_trace_gradient(A, X, B):
    m, n = X.shape
    k = B.shape[0]
    rows = []
    for i in range(m):
        row = []
        for j in range(n):
            block = A[j * k:(j + 1) * k, i * k:(i + 1) * k]
            row.append(tr(block @ B))
        rows.append(row)
    if is_symbolic_matrix(A, X, B):
        return sp.Matrix(rows)
    return np.array(rows, dtype=float)


_ENTRIES = None


def entries():
    """All catalogue entries, in catalogue order (see :data:`SECTIONS`).

    >>> sorted({e.kind for e in entries()})[:2]
    ['diagonal-gradient', 'differential']
    """
    global _ENTRIES
    if _ENTRIES is None:
        _ENTRIES = _build()
        names = [e.name for e in _ENTRIES]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"duplicate catalogue names: {sorted(dupes)}")
    return list(_ENTRIES)


def find(query):
    """Entries whose Cookbook number, name, expression or result contains ``query``.

    A bare number matches Cookbook numbers exactly (``find("101")``); anything else is a
    case-insensitive substring search.

    >>> [e.name for e in find("108")]
    ['tr(X^T B X)']
    """
    q = str(query).strip()
    if re.fullmatch(r"\(?\d+\)?", q):
        number = q.strip("()")
        return [e for e in entries()
                if e.cookbook and number in re.split(r"[,\s-]+", str(e.cookbook))]
    return [e for e in entries() if q.lower() in e.search_text().lower()]
