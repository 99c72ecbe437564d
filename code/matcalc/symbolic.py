"""Exact verification of matrix identities at concrete sizes, with sympy.

A numeric check is evidence at one point. Here every entry of a matrix identity is expanded
exactly in generic symbolic matrices (every entry its own symbol), so a passing
:func:`verify` *proves* the identity for the sizes used, for all values of the entries
(where both sides are defined).

sympy's own matrix-expression derivatives are not used anywhere: they are sometimes silently
wrong. Derivatives here are ordinary partial derivatives of the explicit entries.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import sympy as sp

from .checkresult import FAILED, PASSED, UNRESOLVED, CheckResult
from .rational import NotRational, fractions

# Small integers used to exhibit a counter-example when an entry does not vanish.
_PROBES = (2, -3, 5, 1, -2, 7, 3, -5, 11, 4, -7, 13)
#: One side of an identity: a sympy matrix, a sympy expression or a number.
Symbolic: TypeAlias = sp.MatrixBase | sp.Expr | int | float


def matrix(name: str, rows: int, cols: int | None = None, *,
           symmetric: bool = False) -> sp.Matrix:
    """A generic ``rows x cols`` sympy matrix whose entries are independent real symbols.

    Entry (i, j) is the symbol ``name_ij`` (1-based, as printed in the book). With
    ``symmetric=True`` the matrix is square and entries (i, j) and (j, i) are one symbol.

    >>> A = matrix("A", 2, 3)
    >>> A.shape, A[0, 1]
    ((2, 3), A_12)
    """
    cols = rows if cols is None else cols
    for label, val in (("rows", rows), ("cols", cols)):
        if int(val) != val or val < 1:
            raise ValueError(f"matrix {name!r} needs positive integer sizes, got {label}={val!r}")
    rows, cols = int(rows), int(cols)
    if symmetric and rows != cols:
        raise ValueError(f"a symmetric matrix must be square, got {rows} x {cols}")
    sep = "" if max(rows, cols) < 10 else ","

    def entry(i, j):
        if symmetric and i > j:
            i, j = j, i
        return sp.Symbol(f"{name}_{i + 1}{sep}{j + 1}", real=True)

    return sp.Matrix(rows, cols, entry)


def _as_matrix(x, name):
    if isinstance(x, sp.MatrixBase):
        return sp.Matrix(x)
    if isinstance(x, (sp.Expr, int, float)):
        return sp.Matrix([[sp.sympify(x)]])
    raise ValueError(f"{name} must be a sympy matrix or expression, got {type(x).__name__}")


def _in_field(expr, symbols):
    """expr in sympy's field of fractions over the rationals (cancelled to lowest terms):
    the readable form of a nonzero difference. Only for differences found nonzero; cancelling
    the uncancelled polynomials of :mod:`matcalc.rational` instead can take minutes."""
    return sp.polys.fields.field(symbols, sp.QQ)[0].from_expr(expr)


def _vanishes(expr):
    """``(verdict, canonical)``: verdict True if expr is identically zero (exactly), False if
    not, None if undecided; canonical is expr as one cancelled fraction.

    A rational function is decided in sympy's field of fractions (a canonical form: zero
    exactly when its numerator is the zero polynomial), which is many times faster than
    expanding and cancelling the expression tree; anything else is expanded and simplified.
    """
    if expr == 0:
        return True, sp.S.Zero
    try:  # a rational function is zero exactly when its numerator polynomial is
        ring, [(numerator, denominator)] = fractions([expr], sorted(expr.free_symbols, key=str))
    except NotRational:
        pass
    else:
        if numerator == 0:
            return True, sp.S.Zero
        return False, _in_field(expr, sorted(expr.free_symbols, key=str)).as_expr()
    rational = sp.cancel(sp.together(sp.expand(expr)))
    if rational == 0:
        return True, rational
    if rational.is_rational_function(*rational.free_symbols):
        return False, rational  # a nonzero rational function in independent symbols is not 0
    if _nonzero_somewhere(rational):
        return False, rational  # simplify can run for hours on an expression that is not 0
    return (True if sp.simplify(rational) == 0 else None), rational


def _probe_point(symbols, shift):
    """The small integers of _PROBES given to the symbols in turn, starting at ``shift``."""
    return {s: _PROBES[(k + shift) % len(_PROBES)] for k, s in enumerate(symbols)}


def _nonzero_somewhere(expr, digits=30):
    """True when expr (with exp, tanh, log, ...) is clearly nonzero at one of three integer
    probe points or those points divided by 10, evaluated to ``digits`` significant digits;
    a point where it is not defined or nearly zero decides nothing."""
    symbols = sorted(expr.free_symbols, key=str)
    integer = [_probe_point(symbols, shift) for shift in range(3)]
    # and the same points scaled by 1/10: tanh, sigmoid or exp of integer combinations
    # saturate (1 - tanh^2 of 50 is 1e-43), which decides nothing
    small = [{k: sp.Rational(v, 10) for k, v in p.items()} for p in integer]
    for point in integer + small:
        try:
            value = complex(expr.evalf(digits, subs=point))
        except (ZeroDivisionError, ValueError, TypeError):
            continue
        if value == value and abs(value) > 1e-12:  # a NaN decides nothing
            return True
    return False


def _readable(expr, max_terms=24):
    """Factored when that is cheap to do; large polynomials stay expanded (factoring them
    can take many seconds and the counter-example says more)."""
    numerator = sp.fraction(expr)[0]
    return sp.factor(expr) if len(sp.Add.make_args(numerator)) <= max_terms else expr


def _counter_example(expr):
    symbols = sorted(expr.free_symbols, key=str)
    for shift in range(len(_PROBES)):
        point = _probe_point(symbols, shift)
        try:  # a rational expression evaluates exactly; exp, tanh, ... to 15 digits
            value = expr.subs(point)
            value = value if value.is_Number else value.evalf(15)
            numeric = complex(value)
        except (ZeroDivisionError, ValueError, TypeError):
            continue
        if value.is_finite and abs(numeric) > 1e-9:
            return point, value
    return None, None


def verify(lhs: Symbolic, rhs: Symbolic) -> CheckResult:
    """Prove or refute ``lhs == rhs`` entry by entry, exactly.

    ``lhs`` and ``rhs`` are sympy matrices (or scalar expressions) built from generic
    matrices (see :func:`matrix`). Each entry of ``lhs - rhs`` is expanded and simplified:
    zero everywhere proves the identity at these sizes; otherwise a point where an entry is
    nonzero is reported. Returns a :class:`~matcalc.CheckResult` of kind ``"identity"``:
    ``passed`` only when every entry is proved zero, ``status`` ``"proved"``,
    ``"disproved"`` or ``"undecided"``, ``failing`` and ``counter_example`` what was found.
    Raises ValueError when the two sides differ in shape.

    >>> A, B, C = matrix("A", 2, 3), matrix("B", 3, 3), matrix("C", 2, 3)
    >>> from matcalc import frob
    >>> verify(frob(A * B, C), frob(A, C * B.T)).passed
    True
    >>> verify(frob(A * B, C), frob(A, C * B)).status   # the transpose forgotten
    'disproved'
    """
    L, R = _as_matrix(lhs, "lhs"), _as_matrix(rhs, "rhs")
    if L.shape != R.shape:
        raise ValueError(f"lhs has shape {L.shape} and rhs has shape {R.shape}; an identity "
                         f"needs equal shapes")
    decided = (((i, j), _vanishes(L[i, j] - R[i, j]), L[i, j] - R[i, j])
               for i in range(L.rows) for j in range(L.cols))
    scalar = not isinstance(lhs, sp.MatrixBase) and not isinstance(rhs, sp.MatrixBase)
    return _identity_result(decided, () if scalar else L.shape, L.rows * L.cols)


def _identity_result(decided, shape, entries):
    """The exact check's :class:`~matcalc.CheckResult` (kind ``"identity"``) from
    ``(index, (zero, canonical), lhs - rhs)`` for every entry."""
    failing, undecided, counter = [], False, None
    for index, (zero, canonical), diff in decided:
        if zero:
            continue
        failing.append((index, _readable(canonical)))
        if counter is None:
            point, value = _counter_example(diff)
            if point is not None:
                counter = (index, point, value)
        undecided |= zero is None
    if not failing:
        status = "proved"
    elif counter is not None or not undecided:
        status = "disproved"
    else:
        status = "undecided"
    verdict = {"proved": PASSED, "disproved": FAILED}.get(status, UNRESOLVED)
    return CheckResult("identity", not failing, 0.0 if not failing else 1.0, shape=shape,
                       verdict=verdict, status=status, entries=entries,
                       failing=tuple(failing), counter_example=counter)


def _directions(moves):
    """``{symbol: direction symbol}`` from (entry of X, entry of dX) pairs, or None when the
    move is not one direction symbol per entry symbol (a structured X moved off its
    structure, or a constant entry that moves)."""
    pairs = {}
    for x, dx in moves:
        if not isinstance(x, sp.Symbol):
            if x.is_number and dx == 0:
                continue
            return None
        if not isinstance(dx, sp.Symbol) or pairs.setdefault(x, dx) != dx:
            return None
    return pairs


def _field_differential(value, claimed, pairs):
    """``(zero, canonical)`` for sum_s dvalue/ds ds - claimed, computed on numerator and
    denominator polynomials (None when either side is not a rational function)."""
    symbols = sorted(value.free_symbols | claimed.free_symbols | set(pairs.values()), key=str)
    try:
        ring, [(p, q), (r, s)] = fractions([value, claimed], symbols)
    except NotRational:
        return None
    gen = dict(zip(symbols, ring.gens))
    # d(p/q) = sum_x (q dp/dx - p dq/dx) dx / q^2, compared with r/s over the denominator q^2 s
    moved = sorted(value.free_symbols & set(pairs), key=str)
    top = sum(((q.diff(gen[x]) * -p + p.diff(gen[x]) * q) * gen[pairs[x]] for x in moved),
              ring.zero)
    if top * s - r * q**2 == 0:
        return True, sp.S.Zero
    F = _in_field(value, symbols)
    canonical = sum((F.diff(F.field.from_expr(x)) * F.field.from_expr(pairs[x]) for x in moved),
                    F.field.zero) - _in_field(claimed, symbols)
    return False, canonical.as_expr()


def verify_differential(value: Symbolic, moves: Iterable[tuple[sp.Expr, sp.Expr]],
                        claimed: Symbolic) -> CheckResult:
    """Prove or refute that ``claimed`` is the differential of ``value``, entry by entry.

    ``value`` is a function evaluated at generic symbolic matrices, ``claimed`` its claimed
    differential in the same symbols and the direction symbols, and ``moves`` pairs each
    entry of a varying matrix with the same entry of its direction, e.g.
    ``zip(X, dX)``. The differential is ``sum_s (d value / d s) ds`` over the varying
    symbols s; for rational functions it is computed and compared in the field of
    fractions, a canonical form, which is many times faster than differentiating the
    expression tree; otherwise as :func:`differential` does.

    >>> X, dX = matrix("X", 2), matrix("dX", 2)
    >>> verify_differential(X.inv(), zip(X, dX), -X.inv() * dX * X.inv()).passed
    True
    >>> verify_differential(X.inv(), zip(X, dX), -X.inv() ** 2 * dX).status
    'disproved'
    """
    L, R = _as_matrix(value, "value"), _as_matrix(claimed, "claimed")
    if L.shape != R.shape:
        raise ValueError(f"value has shape {L.shape} and claimed has shape {R.shape}; a "
                         f"differential has the shape of the value")
    pairs = _directions(moves)
    if pairs is None:
        raise ValueError("moves must pair each varying entry symbol with one direction "
                         "symbol (constant entries may only pair with 0); use differential() "
                         "for a structured matrix moved off its structure")
    decided = []
    for i in range(L.rows):
        for j in range(L.cols):
            fast = _field_differential(L[i, j], R[i, j], pairs)
            if fast is None:
                true = _derivative_at_zero(
                    lambda t: L[i, j].subs({x: x + t * dx for x, dx in pairs.items()},
                                           simultaneous=True))
                decided.append(((i, j), _vanishes(true - R[i, j]), true - R[i, j]))
            else:
                decided.append(((i, j), fast, fast[1]))
    scalar = not isinstance(value, sp.MatrixBase) and not isinstance(claimed, sp.MatrixBase)
    return _identity_result(decided, () if scalar else L.shape, L.rows * L.cols)


def differential(F: Callable[[sp.Matrix], Any], X: sp.MatrixBase, dX: sp.MatrixBase) -> Any:
    """The exact differential of ``F`` at the symbolic matrix ``X`` in the direction ``dX``.

    Computed as ``d/dt F(X + t dX)`` at ``t = 0``, entry by entry, so it is exact for the
    sizes used. Compare it with a claimed rule using :func:`verify`.

    >>> X, dX = matrix("X", 2), matrix("dX", 2)
    >>> verify(differential(lambda M: M * M, X, dX), dX * X + X * dX).passed
    True
    """
    X, dX = _as_matrix(X, "X"), _as_matrix(dX, "dX")
    if X.shape != dX.shape:
        raise ValueError(f"X has shape {X.shape} but dX has shape {dX.shape}")
    return _derivative_at_zero(lambda t: F(X + t * dX))


def _derivative_at_zero(moved):
    """d/dt moved(t) at t = 0, for ``moved`` returning a sympy matrix or expression."""
    t = sp.Dummy("t")
    value = moved(t)
    if isinstance(value, sp.MatrixBase):
        return value.diff(t).subs(t, 0)
    return sp.diff(value, t).subs(t, 0)


def gradient(expr: Symbolic, X: sp.MatrixBase) -> sp.Matrix:
    """The matrix of partial derivatives d expr / d X_ij of a scalar expression.

    For a generic X this is the gradient (shape of X). For a *symmetric* X, where X_ij and
    X_ji are one symbol, entry (i, j) is the derivative with respect to that shared symbol,
    which counts both positions: this is where the "2G - diag(G)" formulas come from.

    >>> X = matrix("X", 2)
    >>> gradient((X.T * X).trace(), X) == 2 * X
    True
    """
    X = _as_matrix(X, "X")
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        if expr.shape != (1, 1):
            raise ValueError(f"gradient needs a scalar expression, got a matrix of shape "
                             f"{expr.shape}")
        expr = expr[0, 0]
    return X.applyfunc(lambda x: sp.diff(expr, x))
