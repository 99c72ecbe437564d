"""differential (matrix-valued functions, with the vec/Kronecker Jacobian) and hessian (the
linear map H[V], with its Kronecker form), both checked before they are returned.

A term A dX B of a differential is vec'd by vec(A dX B) = (Bᵀ ⊗ A) vec dX, and a term
A dXᵀ B by (Bᵀ ⊗ A) K vec dX with the commutation matrix K; terms of other forms (entrywise
products, functions of dX inside traces) have no Kronecker form here and the Jacobian is
reported as not available, with the reason.

>>> from .expr import matrix
>>> from .language import inv
>>> X = matrix("X", "n", "n")
>>> d = differential(inv(X), wrt="X")
>>> str(d.expression), str(d.jacobian)
('-X^-1 dX X^-1', '-X^-T ⊗ X^-1')
"""

from fractions import Fraction

import numpy as np

from ..backend import sizes_text
from ..derivation import Derivation, Step
from ..hessian import check_hessian
from ..jacobian import as_vec_jacobian, jacobian
from ..variables import Variables
from ..vec import vec
from .engine import DerivationFailed, Plan, derive, kinds_of, prepare, variable_of
from .evaluate import function
from .expr import Expr, contains, is_scalar
from .rules import differential_of, differential_variable
from .simplify import factor, simplify, transpose

__all__ = ["differential", "hessian", "kronecker_form", "Differential", "Hessian"]


def _split(term):
    coef, parts = (term.data, list(term.args)) if term.op == "mul" else (Fraction(1), [term])
    scalars = [p for p in parts if is_scalar(p)]
    mats = [p for p in parts if not is_scalar(p)]
    return coef, scalars, mats


def _product(factors, rows):
    if not factors:
        return Expr("eye", (), (rows, rows))
    out = factors[0]
    for f in factors[1:]:
        out = Expr("mm", (out, f), (out.shape[0], f.shape[1]))
    return out


def kronecker_form(D, dvar):
    """(J, reason): J with vec(D) = J vec(dvar) as an expression of Kronecker products, or
    (None, why not).

    >>> from .expr import matrix
    >>> A, X = matrix("A", "m", "n"), matrix("X", "n", "k")
    >>> dX = differential_variable(X)
    >>> str(kronecker_form(A @ dX, dX)[0])
    'I ⊗ A'
    """
    m, n = dvar.shape
    terms = D.args if D.op == "add" else (D,)
    out = []
    for term in terms:
        coef, scalars, mats = _split(term)
        if any(contains(s, dvar.name) for s in scalars) or len(mats) != 1:
            return None, f"the term {term} is not of the form A d{dvar.name[1:]} B"
        M = mats[0]
        factors = list(M.args) if M.op == "mm" else [M]
        holders = [i for i, f in enumerate(factors) if contains(f, dvar.name)]
        if len(holders) != 1:
            return None, f"the term {term} is not of the form A d{dvar.name[1:]} B"
        i = holders[0]
        core = factors[i]
        if core.key == dvar.key:
            transposed = False
        elif core.op == "T" and core.args[0].key == dvar.key:
            transposed = True
        else:
            return None, f"the term {term} has {core}, not a product with d{dvar.name[1:]}"
        A = _product(factors[:i], core.shape[0])
        B = _product(factors[i + 1:], core.shape[1])
        Bt = simplify(transpose(simplify(B)))
        J = Expr("kron", (Bt, simplify(A)), (f"{Bt.shape[0]}*{A.shape[0]}",
                                              f"{Bt.shape[1]}*{A.shape[1]}"))
        if transposed:
            J = Expr("mm", (J, Expr("comm", (), (J.shape[1], f"{n}*{m}"), (m, n))),
                     (J.shape[0], f"{n}*{m}"))
        out.append(Expr("mul", tuple(scalars) + (J,), J.shape, coef))
    total = out[0]
    for t in out[1:]:
        total = Expr("add", (total, t), total.shape)
    return _simplify_kron(total), ""


def _simplify_kron(J):
    J = simplify(J)
    return J


def differential(F, wrt, *, exact=None, sizes=None, rules=None):
    """dF for a (matrix-valued) expression F, linear in d<wrt>, checked, with its
    vec/Kronecker Jacobian when one exists.

    >>> from .expr import matrix
    >>> A, X = matrix("A", "m", "n"), matrix("X", "n", "k")
    >>> d = differential(A @ X, "X")
    >>> str(d.expression), d.check().passed
    ('A dX', True)
    """
    if not isinstance(F, Expr):
        raise ValueError(f"differential needs a matrix expression, got {type(F).__name__}")
    expr_vars, var = variable_of(F, wrt)
    dvar = differential_variable(var)
    S = simplify(F)
    D, used = differential_of(S, var.name, dvar, rules)
    D = factor(simplify(D)) if D is not None else Expr("zero", (), F.shape)
    plan = Plan([F], expr_vars, exact, sizes)
    extra = dict(expr_vars)
    extra[dvar.name] = dvar
    derivation = Derivation(f"d({F})", {n: v.shape for n, v in expr_vars.items()}, var.name,
                            function(F, expr_vars),
                            [Step(D.latex, function(D, extra), "; ".join(used) or "constant")],
                            kinds=kinds_of(expr_vars), exact_sizes=plan.exact,
                            numeric_sizes=plan.numeric, start=r"\d F")
    result = derivation.check()
    if not result.passed:
        raise DerivationFailed(f"the engine's check of d({F}) failed; the result is not "
                               f"returned.\n{result}")
    J, why = kronecker_form(D, dvar) if D.op != "zero" else (None, "dF = 0")
    out = Differential(F, var, dvar, D, J, why, derivation, result, expr_vars,
                       plan.text("dF"))
    if J is not None:
        out.jacobian_check = _check_jacobian(out, plan)
        if out.jacobian_check > 1e-7:
            raise DerivationFailed(f"the Kronecker Jacobian {J} of d({F}) disagrees with the "
                                   f"numerical Jacobian (relative difference "
                                   f"{out.jacobian_check:.1e}); not returned")
        out.checked += (f"; the Kronecker Jacobian against the numerical Jacobian at "
                        f"{_small_text(plan)}: relative difference {out.jacobian_check:.1e}")
    return out


def _small(plan):
    values = (2, 3, 4)
    return {k: values[i % 3] for i, k in enumerate(sorted(plan.numeric))}


def _small_text(plan):
    return sizes_text(_small(plan))


def _point(expr_vars, sizes, seed=0):
    shapes = {n: v.shape for n, v in expr_vars.items()}
    return Variables(shapes, kinds_of(expr_vars)).numbers(sizes, seed=seed)


def _check_jacobian(d, plan):
    from ..backend import relative_difference
    env = _point(d._vars, _small(plan), seed=3)
    name = d.variable.name

    def F(X):
        return np.asarray(d._F(**{**env, name: X}), dtype=float)

    numeric = as_vec_jacobian(jacobian(F, env[name]), out_ndim=np.ndim(F(env[name])))
    claimed = np.asarray(d.jacobian_value(**env), dtype=float)
    if numeric.ndim == 1:
        numeric = numeric.reshape(1, -1)
    return relative_difference(claimed.reshape(numeric.shape), numeric)


class Differential:
    """The result of :func:`differential`: ``expression`` (dF), ``latex``, ``jacobian`` (an
    expression or None, with ``jacobian_note``), ``steps``, ``check()``,
    ``evaluate(d<X>=..., **arrays)``, ``jacobian_value(**arrays)``.

    >>> from .expr import matrix
    >>> d = differential(matrix("X", "m", "n").T, "X")
    >>> d.evaluate(X=np.zeros((2, 3)), dX=np.ones((2, 3))).shape
    (3, 2)
    """

    def __init__(self, F, var, dvar, D, J, why, steps, result, expr_vars, checked):
        self.function, self.variable, self.dvariable = F, var, dvar
        self.expression, self.jacobian, self.jacobian_note = D, J, why
        self.steps, self._result, self._vars, self.checked = steps, result, expr_vars, checked
        self.jacobian_check = None
        extra = dict(expr_vars)
        extra[dvar.name] = dvar
        self._F, self._D = function(F, expr_vars), function(D, extra)
        self._J = function(J, expr_vars) if J is not None else None

    @property
    def latex(self):
        """dF in LaTeX."""
        return self.expression.latex

    def check(self):
        """The DerivationResult of the engine's check."""
        return self._result

    def evaluate(self, **arrays):
        """dF at the arrays, with the direction given as ``d<variable>=``."""
        dname = self.dvariable.name
        if dname not in arrays:
            raise ValueError(f"give the direction as {dname}=...")
        env = prepare({k: v for k, v in arrays.items() if k != dname}, self._vars)
        env[dname] = prepare({dname: arrays[dname]}, {dname: self.dvariable})[dname]
        return np.asarray(self._D(**env), dtype=float)

    def jacobian_value(self, **arrays):
        """The Kronecker Jacobian d vec F / d vec X at the arrays (column-major vec)."""
        if self._J is None:
            raise ValueError(f"no Kronecker form: {self.jacobian_note}")
        return np.asarray(self._J(**prepare(arrays, self._vars)), dtype=float)

    def __str__(self):
        lines = [f"d({self.function}) = {self.expression}    [{self.steps.steps[0].why}]"]
        if self.jacobian is not None:
            lines.append(f"vec form: d vec F = J d vec {self.variable.name} with J = "
                         f"{self.jacobian}")
        else:
            lines.append(f"no Kronecker form: {self.jacobian_note}")
        lines.append(self.checked + f" -> {'PASSED' if self._result.passed else 'FAILED'}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self):
        out = (f"$\\d F = {self.latex}$ ({self.steps.steps[0].why})")
        if self.jacobian is not None:
            out += (f"; Jacobian $\\frac{{\\partial \\vec F}}{{\\partial \\vec "
                    f"{self.variable.latex}}} = {self.jacobian.latex}$")
        return out + f".\n\n*{self.checked}*: **passed**.\n"


def _direction_name(expr_vars):
    for n in ("V", "U", "E", "Dir"):
        if n not in expr_vars:
            return n
    raise ValueError("no free name for the direction")


def hessian(L, wrt, *, exact=None, sizes=None):
    """The Hessian of the scalar L as the linear map V -> H[V] (the directional derivative of
    the gradient), its Kronecker form when one exists, checked with
    :func:`matcalc.check_hessian`.

    >>> from .expr import matrix
    >>> from .language import fro
    >>> W, X, Y = matrix("W", "m", "n"), matrix("X", "n", "k"), matrix("Y", "m", "k")
    >>> h = hessian(0.5 * fro(W @ X - Y) ** 2, "W")
    >>> str(h.expression), str(h.kronecker)
    ('V X X^T', '(X X^T) ⊗ I')
    """
    r = derive(L, wrt, exact=exact, sizes=sizes)
    var, expr_vars = r.variable, r._vars
    if var.props & {"symmetric", "diagonal"}:
        raise ValueError(f"not supported: the Hessian with respect to the {' '.join(sorted(var.props & {'symmetric', 'diagonal'}))} "
                         f"variable {var.name} (directions restricted to a subspace)")
    V = Expr("var", (), var.shape, (_direction_name(expr_vars), frozenset()))
    dvar = differential_variable(var)
    D, used = differential_of(r.gradient, var.name, dvar)
    HV_d = factor(simplify(D)) if D is not None else Expr("zero", (), var.shape)
    HV = _substitute(HV_d, dvar, V)
    plan = Plan([L], expr_vars, exact, sizes)
    extra = dict(expr_vars)
    extra[dvar.name] = dvar
    steps = Derivation(f"d(grad {L})", {n: v.shape for n, v in expr_vars.items()}, var.name,
                       function(r.gradient, expr_vars),
                       [Step(HV_d.latex, function(HV_d, extra), "; ".join(used) or "constant")],
                       kinds=kinds_of(expr_vars), exact_sizes=plan.exact,
                       numeric_sizes=plan.numeric, start=r"\d G")
    result = steps.check()
    if not result.passed:
        raise DerivationFailed(f"the engine's check of H[V] for {L} failed.\n{result}")
    K, why = kronecker_form(HV_d, dvar) if HV_d.op != "zero" else (None, "H = 0")
    h = Hessian(L, var, V, HV, K, why, steps, r, expr_vars)
    h.hessian_check = h._check_hessian(plan)
    if not h.hessian_check.passed:
        raise DerivationFailed(f"check_hessian failed for {L}:\n{h.hessian_check}")
    h.checked = (plan.text("dG = H[dW]") + f"; check_hessian at {sizes_text_of(plan)}: "
                 f"relative error {h.hessian_check.error:.1e}")
    return h


def sizes_text_of(plan):
    return sizes_text(plan.numeric)


def _substitute(e, old, new):
    if e.key == old.key:
        return new
    if not e.args:
        return e
    return Expr(e.op, [_substitute(a, old, new) for a in e.args], e.shape, e.data)


class Hessian:
    """The result of :func:`hessian`: ``expression`` (H[V]), ``latex``, ``kronecker`` (the
    matrix on vec, or None with ``kronecker_note``), ``steps``, ``gradient`` (the derive
    result), ``check()`` (check_hessian's CheckResult), ``evaluate(V=..., **arrays)``.

    >>> from .expr import vector
    >>> x = vector("x", "n")
    >>> h = hessian(x.T @ x, "x")
    >>> h.evaluate(V=np.array([1.0, 0.0]), x=np.zeros(2)).tolist()
    [2.0, 0.0]
    """

    def __init__(self, L, var, V, HV, K, why, steps, derived, expr_vars):
        self.function, self.variable, self.direction = L, var, V
        self.expression, self.kronecker, self.kronecker_note = HV, K, why
        self.steps, self.gradient, self._vars = steps, derived, expr_vars
        extra = dict(expr_vars)
        extra[V.name] = V
        self._HV = function(HV, extra)
        self._K = function(K, expr_vars) if K is not None else None
        self.hessian_check, self.checked = None, ""

    @property
    def latex(self):
        """H[V] in LaTeX."""
        return self.expression.latex

    def evaluate(self, **arrays):
        """H[V] at the arrays, with the direction given as ``V=`` (the name in
        ``direction``)."""
        v = self.direction.name
        if v not in arrays:
            raise ValueError(f"give the direction as {v}=...")
        env = prepare({k: a for k, a in arrays.items() if k != v}, self._vars)
        env[v] = prepare({v: arrays[v]}, {v: self.direction})[v]
        out = np.asarray(self._HV(**env), dtype=float).reshape(env[v].shape)
        return out.ravel() if np.ndim(arrays[v]) < 2 else out

    def kronecker_value(self, **arrays):
        """The Hessian as a matrix on vec (column-major) at the arrays."""
        if self._K is None:
            raise ValueError(f"no Kronecker form: {self.kronecker_note}")
        return np.asarray(self._K(**prepare(arrays, self._vars)), dtype=float)

    def check(self):
        """check_hessian's CheckResult (run before the result was returned)."""
        return self.hessian_check

    def _check_hessian(self, plan):
        env = _point(self._vars, plan.numeric, seed=5)
        name, vname = self.variable.name, self.direction.name
        f = function(self.function, self._vars)
        g = self.gradient._grad

        def scalar_f(X):
            return float(np.asarray(f(**{**env, name: X})))

        result = check_hessian(scalar_f, env[name],
                               hvp=lambda X, V: self._HV(**{**env, name: X, vname: V}),
                               grad=lambda X: np.asarray(g(**{**env, name: X}), dtype=float))
        if self._K is not None:
            V = np.random.default_rng(7).standard_normal(env[name].shape)
            a = self._K(**env) @ vec(V)
            b = vec(np.asarray(self._HV(**{**env, vname: V}), dtype=float))
            from ..backend import relative_difference
            self.kronecker_error = relative_difference(np.ravel(a), np.ravel(b))
            if self.kronecker_error > 1e-9:
                raise DerivationFailed(f"the Kronecker form {self.kronecker} disagrees with "
                                       f"H[V] (relative difference {self.kronecker_error:.1e})")
        return result

    def __str__(self):
        lines = [f"H[{self.direction.name}] = {self.expression}"]
        if self.kronecker is not None:
            lines.append(f"as a matrix on vec {self.variable.name}: {self.kronecker}")
        else:
            lines.append(f"no Kronecker form: {self.kronecker_note}")
        lines.append(self.checked)
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self):
        out = f"$H[{self.direction.latex}] = {self.latex}$"
        if self.kronecker is not None:
            out += f"; on $\\vec {self.variable.latex}$: $H = {self.kronecker.latex}$"
        return out + f".\n\n*{self.checked}*.\n"

