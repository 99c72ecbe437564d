"""The vec form of a linear map dX -> M(dX): the matrix J with vec M(dX) = J vec(dX).

Built term by term from vec(A N B) = (Bᵀ ⊗ A) vec N (:prf:ref:`thm-vec-kron` in the book),
vec(Nᵀ) = K vec N with the commutation matrix K, vec(A ∘ N) = diag(vec A) vec N,
vec(s M) = vec(M) s for a scalar s linear in dX, tr N = vec(I)ᵀ vec N,
sum N = 1ᵀ vec N and A : N = vec(A)ᵀ vec N. A term of another form (dX inside a Kronecker
product or a diag) has no form here, and the reason is returned instead.

>>> from .expr import matrix
>>> from .language import inv
>>> from .rewrites import differential_variable
>>> X, A = matrix("X", "n", "n"), matrix("A", "m", "n")
>>> dX = differential_variable(X)
>>> str(vec_matrix(A @ dX, dX)[0]), str(vec_matrix(dX.T, dX)[0])
('I ⊗ A', 'K')
"""

from __future__ import annotations

from .algebra import add, hadamard, kron_node, product, scale, split_scalars
from .expr import Expr, contains, dim_product, eye, ones
from .language import vec
from .simplify import simplify, transpose

__all__ = ["vec_matrix", "commutation"]


class _NoForm(Exception):
    pass


def commutation(m: str, n: str) -> Expr:
    """The commutation matrix K with K vec(X) = vec(Xᵀ) for an m x n matrix X.

    >>> commutation("m", "n").shape
    ('m*n', 'm*n')
    """
    return Expr("comm", (), (dim_product(n, m), dim_product(m, n)), (m, n))


def _holder(args: tuple, name: str) -> int:
    holders = [k for k, a in enumerate(args) if contains(a, name)]
    if len(holders) != 1:
        raise _NoForm("a term is not linear in the direction in a form with a vec matrix")
    return holders[0]


def _jacobian(M: Expr, dvar: Expr) -> Expr:
    name, op = dvar.name, M.op
    if M.key == dvar.key:
        return eye(dim_product(*dvar.shape))
    if op == "add":
        return add([_jacobian(t, dvar) for t in M.args])
    if op == "T":
        N = M.args[0]
        return product([commutation(*N.shape), _jacobian(N, dvar)])
    if op == "mm":
        i = _holder(M.args, name)
        left, right = M.args[:i], M.args[i + 1:]
        N = M.args[i]
        A = product(list(left)) if left else eye(N.shape[0])
        B = product(list(right)) if right else eye(N.shape[1])
        return product([kron_node(transpose(B), A), _jacobian(N, dvar)])
    if op == "mul":
        return _scaled(M, dvar)
    if op == "had":
        i = _holder(M.args, name)
        v = vec(hadamard([a for k, a in enumerate(M.args) if k != i]))
        return product([Expr("diagm", (v,), (v.shape[0],) * 2), _jacobian(M.args[i], dvar)])
    if op in ("tr", "sum", "frob"):
        N = M.args[_holder(M.args, name)] if op == "frob" else M.args[0]
        row = {"tr": lambda: vec(eye(N.shape[0])), "sum": lambda: ones(dim_product(*N.shape)),
               "frob": lambda: vec(M.args[1 - _holder(M.args, name)])}[op]()
        return product([transpose(simplify(row)), _jacobian(N, dvar)])
    if op in ("vec", "unvec"):
        return _jacobian(M.args[0], dvar)
    raise _NoForm(f"the term {M} has {op} with d{name[1:]} inside, which has no Kronecker "
                  f"form here")


def _scaled(M: Expr, dvar: Expr) -> Expr:
    coef, scalars, mats = split_scalars([M])
    i = _holder(tuple(scalars + mats), dvar.name)
    if i >= len(scalars):  # the matrix factor holds dX
        return scale(coef, scalars + [_jacobian(mats[0], dvar)])
    s = scalars[i]
    rest = scalars[:i] + scalars[i + 1:]
    column = vec(mats[0]) if mats else None
    J = _jacobian(s, dvar)
    return scale(coef, rest + [product([column, J]) if column is not None else J])


def vec_matrix(D: Expr, dvar: Expr) -> tuple:
    """(J, "") with vec(D) = J vec(dvar) for D linear in ``dvar``, or (None, why not).

    >>> from .expr import matrix
    >>> from .language import tanh
    >>> from .rewrites import differential_variable
    >>> Z = matrix("Z", "m", "n")
    >>> dZ = differential_variable(Z)
    >>> J, why = vec_matrix(Z * dZ, dZ)
    >>> str(J)
    'diag(vec(Z))'
    """
    try:
        return simplify(_jacobian(D, dvar)), ""
    except _NoForm as exc:
        return None, str(exc)
    except ValueError as exc:  # a shape the builders cannot combine
        return None, f"no vec form found ({exc})"

