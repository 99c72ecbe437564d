"""Frobenius moves: from a scalar differential dL, linear in dX, to the form G : dX.

A state is a list of pairs (A, D) standing for the sum of A : D, with D linear in dX. One
round applies one move to every pair whose D is not yet dX itself. The moves are the
Frobenius chapter's theorems (distributing, scalars and the diagonal: its definition,
bilinear; Kronecker factors: the derive chapter's rearrangement exercise), each registered
next to its definition with a wrong variant:

* A : (BCD) = BᵀADᵀ : C (moving factors),  A : Cᵀ = Aᵀ : C (transposition),
* A : (B ∘ C) = (A ∘ B) : C (Hadamard factors),  a tr(C) = aI : C,  a sum(C) = a 1 1ᵀ : C,
* A : (B + C) = A : B + A : C,  A : (cC) = cA : C,  A : (c M) = (A : M) c for a scalar c,
* A : (B ⊗ C) = unvec(R(A) vec C) : B (Van Loan's rearrangement R),
  A : vec(C) = unvec(A) : C.

>>> from .expr import matrix
>>> from .rewrites import differential_variable
>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> dW = differential_variable(W)
>>> pairs, why = move(W @ X, dW @ X, "dW")
>>> [(str(a), str(d)) for a, d in pairs], why
([('W X X^T', 'dW')], 'moving factors: A : BC = A C^T : B')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from .algebra import hadamard, product, scale
from .expr import Expr, contains, eye, is_scalar, ones
from .language import rearrange, unvec, vec
from .simplify import simplify, transpose

__all__ = ["Move", "MOVES", "frobenius_move", "move", "frobenius_moves", "state_expr",
           "corrupted_move"]


@dataclass(frozen=True)
class Move:
    """One Frobenius move for the operation ``op`` of D: ``apply(A, D, index)`` returns the
    new pairs; ``index`` is the argument of D that holds dX; ``wrong`` is a deliberately
    wrong variant.

    >>> MOVES["T"].name, MOVES["T"].theorem
    ('transposition: A : C^T = A^T : C', 'thm-frob-symmetry')
    """

    op: str
    name: str
    theorem: str  # label of the book's theorem, equation or exercise it comes from
    apply: Callable
    wrong: Callable


#: The move of each operation of D.
MOVES: dict[str, Move] = {}


def frobenius_move(op: str, name: str, theorem: str, wrong: Callable) -> Callable:
    """Register the decorated function as the Frobenius move for D's operation ``op``.

    >>> MOVES["kron"].theorem
    'ex-derive-rearrangement'
    """
    def register(apply: Callable) -> Callable:
        MOVES[op] = Move(op, name, theorem, apply, wrong)
        return apply

    return register


def _moved(A: Expr, D: Expr, i: int, transposed: bool) -> list:
    left, right = list(D.args[:i]), list(D.args[i + 1:])
    T = transpose if transposed else (lambda x: x)
    G = A
    if left:
        G = product([T(product(left)), G])
    if right:
        G = product([G, T(product(right))])
    return [(G, D.args[i])]


@frobenius_move("mm", "moving factors", "thm-frob-move",
                wrong=lambda A, D, i: _moved(A, D, i, False))
def _move_mm(A: Expr, D: Expr, i: int) -> list:
    return _moved(A, D, i, True)


def _mm_name(D: Expr, i: int) -> str:
    if i == 0:
        return "moving factors: A : BC = A C^T : B"
    if i == len(D.args) - 1:
        return "moving factors: A : BC = B^T A : C"
    return "moving factors: A : BCD = B^T A D^T : C"


def _mul_wrong(A: Expr, D: Expr, i: int) -> list:
    target = D.args[i]
    if is_scalar(target) and not is_scalar(D):
        M = [a for a in D.args if not is_scalar(a)][0]
        return [(Expr("sum", (A,)) if M.op != "ones" else Expr("frob", (A, A)), target)]
    return [(A, target)]


@frobenius_move("mul", "scalars move across :", "eq-frob-def", wrong=_mul_wrong)
def _move_mul(A: Expr, D: Expr, i: int) -> list:
    others = [a for k, a in enumerate(D.args) if k != i]
    target = D.args[i]
    if is_scalar(target) and not is_scalar(D):
        M = [a for a in others if not is_scalar(a)][0]
        scal = [a for a in others if is_scalar(a)]
        return [(scale(D.data, scal + [Expr("frob", (A, M))]), target)]
    return [(scale(D.data, others + [A]), target)]


frobenius_move("T", "transposition: A : C^T = A^T : C", "thm-frob-symmetry",
               wrong=lambda A, D, i: [(A, D.args[0])])(
    lambda A, D, i: [(transpose(A), D.args[0])])
frobenius_move("had", "Hadamard factors move: A : (B ∘ C) = (A ∘ B) : C", "thm-frob-hadamard",
               wrong=lambda A, D, i: [(A, D.args[i])])(
    lambda A, D, i: [(hadamard([A] + list(D.args[:i] + D.args[i + 1:])), D.args[i])])
frobenius_move("add", "distributing: A : (B + C) = A : B + A : C", "eq-frob-def",
               wrong=lambda A, D, i: [(A, D.args[0])])(
    lambda A, D, i: [(A, t) for t in D.args])
frobenius_move("frob", "scalars move across :", "eq-frob-def",
               wrong=lambda A, D, i: [(scale(1, [A, transpose(D.args[1 - i])]), D.args[i])]
               if D.args[i].shape[0] == D.args[i].shape[1] else [(A, D.args[i])])(
    lambda A, D, i: [(scale(1, [A, D.args[1 - i]]), D.args[i])])
frobenius_move("tr", "trace form: a tr(C) = aI : C", "thm-frob-forms",
               wrong=lambda A, D, i: [(scale(1, [A, ones(*D.args[0].shape)]), D.args[0])])(
    lambda A, D, i: [(scale(1, [A, eye(D.args[0].shape[0])]), D.args[0])])
frobenius_move("sum", "sum form: a sum(C) = a 1 1^T : C", "thm-frob-forms",
               wrong=lambda A, D, i: [(scale(1, [A, eye(D.args[0].shape[0])]), D.args[0])]
               if D.args[0].shape[0] == D.args[0].shape[1] else [(A, D.args[0])])(
    lambda A, D, i: [(scale(1, [A, ones(*D.args[0].shape)]), D.args[0])])
frobenius_move("diagm", "diagonal: A : diag(x) = diag(A) : x", "eq-frob-def",
               wrong=lambda A, D, i: [(scale(2, [Expr("diagv", (A,), D.args[0].shape)]),
                                       D.args[0])])(
    lambda A, D, i: [(Expr("diagv", (A,), D.args[0].shape), D.args[0])])
frobenius_move("diagv", "diagonal: a : diag(C) = diag(a) : C", "eq-frob-def",
               wrong=lambda A, D, i: [(scale(2, [Expr("diagm", (A,), D.args[0].shape)]),
                                       D.args[0])])(
    lambda A, D, i: [(Expr("diagm", (A,), D.args[0].shape), D.args[0])])
frobenius_move("vec", "vec: a : vec(C) = unvec(a) : C", "thm-frob-forms",
               wrong=lambda A, D, i: [(scale(2, [unvec(A, *D.args[0].shape)]), D.args[0])])(
    lambda A, D, i: [(unvec(A, *D.args[0].shape), D.args[0])])
frobenius_move("unvec", "vec: A : unvec(c) = vec(A) : c", "thm-frob-forms",
               wrong=lambda A, D, i: [(scale(2, [vec(A)]), D.args[0])])(
    lambda A, D, i: [(vec(A), D.args[0])])


def _kron(A: Expr, D: Expr, i: int) -> list:
    B, C = D.args
    R = rearrange(A, B.shape, C.shape)
    if i == 0:  # A : (dB ⊗ C) = unvec(R(A) vec C) : dB
        return [(unvec(product([R, vec(C)]), *B.shape), B)]
    return [(unvec(product([transpose(R), vec(B)]), *C.shape), C)]


@frobenius_move("kron", "Kronecker factors: A : (B ⊗ C) = unvec(R(A) vec C) : B",
                "ex-derive-rearrangement",
                wrong=lambda A, D, i: [(scale(2, [g]), d) for g, d in _kron(A, D, i)])
def _move_kron(A: Expr, D: Expr, i: int) -> list:
    return _kron(A, D, i)


def corrupted_move(op: str, moves: dict | None = None) -> dict:
    """The moves with ``op``'s move replaced by its wrong variant.

    >>> corrupted_move("T")["T"].apply is MOVES["T"].wrong
    True
    """
    moves = dict(moves or MOVES)
    if op not in moves:
        raise ValueError(f"no move for {op!r}; moves are {sorted(moves)}")
    moves[op] = replace(moves[op], apply=moves[op].wrong)
    return moves


def move(A: Expr, D: Expr, dname: str, moves: dict | None = None) -> tuple:
    """One move on the pair (A, D): (new pairs, the move's name). ValueError when D's
    operation has no move or D is not linear in ``dname`` in a movable form.

    >>> from .expr import matrix
    >>> from .rewrites import differential_variable
    >>> dX = differential_variable(matrix("X", "m", "n"))
    >>> pairs, why = move(matrix("A", "n", "m"), dX.T, "dX")
    >>> str(pairs[0][0]), why
    ('A^T', 'transposition: A : C^T = A^T : C')
    """
    moves = moves or MOVES
    rule = moves.get(D.op)
    if rule is None:
        raise ValueError(f"not supported: cannot move the operation {D.op!r} out of a "
                         f"Frobenius product (in {D})")
    holders = [0] if D.op == "add" else [k for k, a in enumerate(D.args) if contains(a, dname)]
    if len(holders) != 1:
        raise ValueError(f"not supported: {D} is not linear in {dname} in a form the engine "
                         f"can move")
    i = holders[0]
    pairs = rule.apply(A, D, i)
    name = _mm_name(D, i) if D.op == "mm" else rule.name
    return [(simplify(a), d) for a, d in pairs], name


def state_expr(pairs: list) -> Expr:
    """The sum of A : D over the pairs, for display and checking (A = 1 shows D alone).

    >>> from .expr import matrix
    >>> str(state_expr([(matrix("A", "m", "n"), matrix("B", "m", "n"))]))
    'A : B'
    """
    terms = []
    for A, D in pairs:
        if is_scalar(D):
            terms.append(D if A.op == "num" and A.data == 1 else
                         Expr("mul", (A, D), D.shape, Fraction(1)) if A.op != "num" else
                         Expr("mul", (D,), D.shape, A.data))
        else:
            terms.append(Expr("frob", (A, D)))
    return terms[0] if len(terms) == 1 else Expr("add", terms, terms[0].shape)


def frobenius_moves(D: Expr, dvar: Expr, moves: dict | None = None, max_rounds: int = 40,
                    deadline: Callable | None = None) -> tuple:
    """Rounds of moves from the scalar differential ``D`` to pairs (G_i, dX):
    (list of (state expression, move names) per round, the final pairs). ``deadline`` is
    called between rounds (it raises when the time is up).

    >>> from .expr import matrix
    >>> from .rewrites import differential_variable
    >>> from .language import frob
    >>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
    >>> dW = differential_variable(W)
    >>> rounds, pairs = frobenius_moves(frob(W @ X, dW @ X), dW)
    >>> [str(s) for s, _ in rounds], str(pairs[0][0])
    (['W X X^T : dW'], 'W X X^T')
    """
    from .expr import const
    pairs = [(const(1), D)]
    rounds: list[tuple] = []
    previous = D.key
    for _ in range(max_rounds):
        if all(d.key == dvar.key for _, d in pairs):
            return rounds, pairs
        if deadline is not None:
            deadline("the Frobenius moves")
        new, names = [], []
        for A, d in pairs:
            more, name = ([(A, d)], None) if d.key == dvar.key else move(A, d, dvar.name, moves)
            new.extend(more)
            if name is not None and name not in names:
                names.append(name)
        pairs = new
        state = state_expr(pairs)
        if state.key == previous and rounds:
            rounds[-1] = (state, rounds[-1][1] + [n for n in names if n not in rounds[-1][1]])
        elif state.key != previous:
            rounds.append((state, names))
        previous = state.key
    raise ValueError(f"not supported: no form G : {dvar.name} after {max_rounds} moves")
