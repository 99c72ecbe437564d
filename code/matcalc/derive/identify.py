"""Frobenius moves: from a scalar differential dL, linear in dX, to the form G : dX.

A state is a list of pairs (A, D) standing for the sum of A : D, with D linear in dX. One
round applies one move to every pair whose D is not yet dX itself. The moves are the
Frobenius chapter's theorems, kept as data with a wrong variant each:

* A : (BCD) = BᵀADᵀ : C (moving factors),  A : Cᵀ = Aᵀ : C (transposition),
* A : (B ∘ C) = (A ∘ B) : C (Hadamard factors),  a tr(C) = aI : C,  a sum(C) = a 1 1ᵀ : C,
* A : (B + C) = A : B + A : C,  A : (cC) = cA : C,  A : (c M) = (A : M) c for a scalar c.

>>> from .expr import matrix
>>> from .rules import differential_variable
>>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
>>> dW = differential_variable(W)
>>> pairs, why = move(W @ X, dW @ X, "dW")
>>> [(str(a), str(d)) for a, d in pairs], why
([('W X X^T', 'dW')], 'moving factors: A : BC = A C^T : B')
"""

from dataclasses import dataclass, replace
from fractions import Fraction

from .expr import Expr, const, contains, eye, is_scalar, ones
from .simplify import simplify

__all__ = ["Move", "MOVES", "move", "frobenius_moves", "state_expr", "corrupted_move"]


@dataclass(frozen=True)
class Move:
    """One Frobenius move for the operation ``op`` of D: ``apply(A, D, index)`` returns the
    new pairs; ``index`` is the argument of D that holds dX.

    >>> MOVES["T"].name, MOVES["T"].theorem
    ('transposition: A : C^T = A^T : C', 'thm-frob-symmetry')
    """

    op: str
    name: str
    theorem: str
    apply: object
    wrong: object


def _mm_one(e):
    if len(e) == 1:
        return e[0]
    out = e[0]
    for x in e[1:]:
        out = out @ x
    return out


def _mm(A, D, i):
    left, right = list(D.args[:i]), list(D.args[i + 1:])
    G = A
    if left:
        G = _mm_one(left).T @ G
    if right:
        G = G @ _mm_one(right).T
    return [(G, D.args[i])]


def _mm_wrong(A, D, i):
    left, right = list(D.args[:i]), list(D.args[i + 1:])
    G = A
    if left:
        G = _mm_one(left) @ G
    if right:
        G = G @ _mm_one(right)
    return [(G, D.args[i])]


def _mm_name(D, i):
    if i == 0:
        return "moving factors: A : BC = A C^T : B"
    if i == len(D.args) - 1:
        return "moving factors: A : BC = B^T A : C"
    return "moving factors: A : BCD = B^T A D^T : C"


def _mul(A, D, i):
    others = [a for k, a in enumerate(D.args) if k != i]
    target = D.args[i]
    coef = Fraction(D.data)
    if is_scalar(target) and not is_scalar(D):
        M = [a for a in others if not is_scalar(a)][0]
        scal = [a for a in others if is_scalar(a)]
        G = Expr("mul", tuple(scal) + (Expr("frob", (A, M)),), ("1", "1"), coef)
        return [(G, target)]
    return [(Expr("mul", tuple(others) + (A,), A.shape, coef), target)]


def _mul_wrong(A, D, i):
    target = D.args[i]
    if is_scalar(target) and not is_scalar(D):
        M = [a for a in D.args if not is_scalar(a)][0]
        return [(Expr("sum", (A,)) if M.op != "ones" else Expr("frob", (A, A)), target)]
    return [(A, target)]


MOVES_DATA = [
    ("mm", "moving factors", "thm-frob-move", _mm, _mm_wrong),
    ("T", "transposition: A : C^T = A^T : C", "thm-frob-symmetry",
     lambda A, D, i: [(A.T, D.args[0])], lambda A, D, i: [(A, D.args[0])]),
    ("had", "Hadamard factors move: A : (B ∘ C) = (A ∘ B) : C", "thm-frob-hadamard",
     lambda A, D, i: [(Expr("had", (A,) + D.args[:i] + D.args[i + 1:], A.shape), D.args[i])],
     lambda A, D, i: [(A, D.args[i])]),
    ("add", "distributing: A : (B + C) = A : B + A : C", "thm-frob-forms",
     lambda A, D, i: [(A, t) for t in D.args],
     lambda A, D, i: [(A, D.args[0])]),
    ("mul", "scalars move across :", "thm-frob-forms", _mul, _mul_wrong),
    ("frob", "trace form: a (B : C) = aB : C", "thm-frob-forms",
     lambda A, D, i: [(Expr("mul", (A, D.args[1 - i]), D.args[1 - i].shape, Fraction(1)),
                       D.args[i])],
     lambda A, D, i: [(Expr("mul", (A, D.args[1 - i].T), D.args[1 - i].shape[::-1],
                            Fraction(1)), D.args[i])]),
    ("tr", "trace form: a tr(C) = aI : C", "thm-frob-forms",
     lambda A, D, i: [(Expr("mul", (A, eye(D.args[0].shape[0])), D.args[0].shape,
                            Fraction(1)), D.args[0])],
     lambda A, D, i: [(Expr("mul", (A, ones(*D.args[0].shape)), D.args[0].shape,
                            Fraction(1)), D.args[0])]),
    ("sum", "sum form: a sum(C) = a 1 1^T : C", "thm-frob-forms",
     lambda A, D, i: [(Expr("mul", (A, ones(*D.args[0].shape)), D.args[0].shape,
                            Fraction(1)), D.args[0])],
     lambda A, D, i: [(Expr("mul", (A, eye(D.args[0].shape[0])), D.args[0].shape,
                            Fraction(1)), D.args[0])]),
    ("diagm", "diagonal: A : diag(x) = diag(A) : x", "thm-frob-forms",
     lambda A, D, i: [(Expr("diagv", (A,), D.args[0].shape), D.args[0])],
     lambda A, D, i: [(2 * Expr("diagv", (A,), D.args[0].shape), D.args[0])]),
    ("diagv", "diagonal: a : diag(C) = diag(a) : C", "thm-frob-forms",
     lambda A, D, i: [(Expr("diagm", (A,), D.args[0].shape), D.args[0])],
     lambda A, D, i: [(2 * Expr("diagm", (A,), D.args[0].shape), D.args[0])]),
]

#: The moves by the operation of D.
MOVES = {op: Move(op, name, theorem, apply, wrong)
         for op, name, theorem, apply, wrong in MOVES_DATA}


def corrupted_move(op, moves=None):
    """The moves with ``op``'s move replaced by its wrong variant.

    >>> corrupted_move("T")["T"].apply is MOVES["T"].wrong
    True
    """
    moves = dict(moves or MOVES)
    if op not in moves:
        raise ValueError(f"no move for {op!r}; moves are {sorted(moves)}")
    moves[op] = replace(moves[op], apply=moves[op].wrong)
    return moves


def move(A, D, dname, moves=None):
    """One move on the pair (A, D): (new pairs, the rule's name).

    >>> from .expr import matrix
    >>> from .rules import differential_variable
    >>> dX = differential_variable(matrix("X", "m", "n"))
    >>> pairs, why = move(matrix("A", "n", "m"), dX.T, "dX")
    >>> str(pairs[0][0]), why
    ('A^T', 'transposition: A : C^T = A^T : C')
    """
    moves = moves or MOVES
    rule = moves.get(D.op)
    if rule is None:
        raise ValueError(f"not supported: cannot move the operation {D.op!r} out of a "
                         f"Frobenius product (in {D})" + (
                             "; the gradient through a Kronecker product needs a block "
                             "reshape the engine does not do" if D.op == "kron" else ""))
    holders = [k for k, a in enumerate(D.args) if contains(a, dname)]
    if D.op == "add":
        holders = [0]
    if len(holders) != 1:
        raise ValueError(f"not supported: {D} is not linear in {dname} in a form the engine "
                         f"can move")
    i = holders[0]
    pairs = rule.apply(A, D, i)
    name = _mm_name(D, i) if D.op == "mm" else rule.name
    return [(simplify(a), d) for a, d in pairs], name


def state_expr(pairs):
    """The sum of A : D over the pairs, for display and checking (A = 1 shows D alone).

    >>> from .expr import matrix
    >>> str(state_expr([(matrix("A", "m", "n"), matrix("B", "m", "n"))]))
    'A : B'
    """
    terms = []
    for A, D in pairs:
        if is_scalar(D):
            if A.op == "num":
                terms.append(D if A.data == 1 else Expr("mul", (D,), D.shape, A.data))
            else:
                terms.append(Expr("mul", (A, D), D.shape, Fraction(1)))
        else:
            terms.append(Expr("frob", (A, D)))
    return terms[0] if len(terms) == 1 else Expr("add", terms, terms[0].shape)


def frobenius_moves(D, dvar, moves=None, max_rounds=40):
    """Rounds of moves from the scalar differential ``D`` to pairs (G_i, dX):
    (list of (state expression, rule names) per round, the final pairs).

    >>> from .expr import matrix
    >>> from .rules import differential_variable
    >>> W, X = matrix("W", "m", "n"), matrix("X", "n", "k")
    >>> dW = differential_variable(W)
    >>> from .language import frob
    >>> rounds, pairs = frobenius_moves(frob(W @ X, dW @ X), dW)
    >>> [str(s) for s, _ in rounds], str(pairs[0][0])
    (['W X X^T : dW'], 'W X X^T')
    """
    pairs = [(const(1), D)]
    rounds, previous = [], D.key
    for _ in range(max_rounds):
        if all(d.key == dvar.key for _, d in pairs):
            return rounds, pairs
        new, names = [], []
        for A, d in pairs:
            if d.key == dvar.key:
                new.append((A, d))
                continue
            more, name = move(A, d, dvar.name, moves)
            new.extend(more)
            if name not in names:
                names.append(name)
        pairs = new
        state = state_expr(pairs)
        if state.key == previous and rounds:
            rounds[-1] = (state, rounds[-1][1] + [n for n in names if n not in rounds[-1][1]])
        elif state.key != previous:
            rounds.append((state, names))
        previous = state.key
    raise ValueError(f"not supported: no form G : {dvar.name} after {max_rounds} moves")
