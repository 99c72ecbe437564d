"""A derivative rule as data, and its check.

A :class:`Rule` holds a forward function ``f(A)`` (a decomposition's factor, a matrix
function), its claimed differential ``df(A, dA)``, optionally the reverse-mode form
``vjp(A, G)`` (the gradient of ``G : f(A)``), a deliberately wrong variant of the
differential, and a sampler of well-conditioned points. :func:`check_rule` runs the book's
checker on all of them at several sizes and seeds: the rule and its reverse form must pass,
the wrong variant must fail.

None of numpy's ``eigh``, ``svd``, ``cholesky`` or ``qr`` is complex-analytic, so for
those rules the checker's complex step is refused and the checks run on extrapolated
central differences; the result says which method decided.

>>> from matcalc.decompositions import RULES
>>> report = check_rule(RULES["cholesky"], sizes=(3,), seeds=(0,))
>>> report.passed, report.wrong_failed
(True, True)
"""

from dataclasses import dataclass, field

import numpy as np

from ..backend import rng
from ..check import check_differential, check_gradient

__all__ = ["Rule", "RuleReport", "check_rule", "symmetric_part", "sample"]


def symmetric_part(V):
    """``(V + Vᵀ)/2``: the projection onto symmetric matrices (directions of symmetric rules).

    >>> symmetric_part(np.array([[0., 2.], [0., 0.]]))
    array([[0., 1.],
           [1., 0.]])
    """
    return (V + V.T) / 2


@dataclass(frozen=True)
class Rule:
    """A derivative rule: forward function, differential, reverse form, wrong variant.

    ``domain`` names the matrices the rule is stated for (``"symmetric"``, ``"spd"``,
    ``"general"``, ``"tall"``, ``"real spectrum"``); symmetric domains are checked along
    symmetric directions only. ``sample(n, seed)`` draws a well-conditioned point of size
    ``n`` (``n`` columns for tall matrices). ``mistake`` says what the wrong variant gets
    wrong.

    >>> r = Rule("square", "dF = dX X + X dX", lambda X: X @ X,
    ...          lambda X, dX: dX @ X + X @ dX, wrong=lambda X, dX: 2 * X @ dX,
    ...          mistake="commuted", sample=lambda n, seed: np.eye(n) + 0.1)
    >>> check_rule(r, sizes=(2,), seeds=(0,)).passed
    True
    """

    name: str
    claim: str  # the differential, in words/LaTeX for the page
    f: object = field(repr=False)
    df: object = field(repr=False)
    vjp: object = field(default=None, repr=False)
    wrong: object = field(default=None, repr=False)
    mistake: str = ""
    domain: str = "general"
    sample: object = field(default=None, repr=False)
    note: str = ""

    @property
    def project(self):
        """The projection of directions (symmetric part for symmetric domains), or None."""
        return symmetric_part if self.domain in ("symmetric", "spd") else None


@dataclass(frozen=True)
class RuleReport:
    """What :func:`check_rule` found: one CheckResult per size and seed for the
    differential, the reverse form and the wrong variant.

    >>> from matcalc.decompositions import RULES
    >>> report = check_rule(RULES["singular values"], sizes=(2,), seeds=(0,))
    >>> len(report.forward), len(report.reverse), report.passed, report.wrong_failed
    (1, 1, True, True)
    """

    rule: Rule
    forward: tuple
    reverse: tuple
    wrong: tuple

    @property
    def passed(self):
        """The differential and the reverse form pass everywhere."""
        return all(r.passed for r in self.forward + self.reverse)

    @property
    def wrong_failed(self):
        """The wrong variant fails everywhere (True when there is none)."""
        return all(not r.passed for r in self.wrong)

    def __str__(self):
        def worst(results):
            return max((r.error for r in results), default=float("nan"))
        methods = sorted({r.method for r in self.forward + self.reverse})
        lines = [f"{self.rule.name}: differential {'PASSED' if self.passed else 'FAILED'} "
                 f"(worst relative error {worst(self.forward):.1e} over "
                 f"{len(self.forward)} points; {', '.join(methods)})"]
        if self.reverse:
            lines.append(f"  reverse mode: worst relative error {worst(self.reverse):.1e}")
        if self.wrong:
            verdict = "FAILS as it should" if self.wrong_failed else "PASSES (bad!)"
            lines.append(f"  wrong variant ({self.rule.mistake}): {verdict}, smallest "
                         f"relative error {min(r.error for r in self.wrong):.1e}")
        return "\n".join(lines)

    __repr__ = __str__


def check_rule(rule, sizes=(3, 5), seeds=(0, 1), *, directions=2):
    """Check ``rule`` at every size and seed: differential, reverse form, wrong variant.

    The reverse form is checked as the gradient of ``A -> G : f(A)`` for a random ``G``.

    >>> from matcalc.decompositions import RULES
    >>> print(check_rule(RULES["eigenvalues"], sizes=(3,), seeds=(0,)))  # doctest: +ELLIPSIS
    eigenvalues: differential PASSED (... central differences)
    ...
    """
    forward, reverse, wrong = [], [], []
    for n in sizes:
        for seed in seeds:
            A = rule.sample(n, seed)
            kw = dict(seed=seed, directions=directions, project=rule.project)
            forward.append(check_differential(rule.f, rule.df, A, **kw))
            if rule.wrong is not None:
                wrong.append(check_differential(rule.f, rule.wrong, A, **kw))
            if rule.vjp is not None:
                G = rng("examples", seed).standard_normal(np.shape(rule.f(A)))
                reverse.append(check_gradient(lambda X: np.sum(G * rule.f(X)),
                                              lambda X: rule.vjp(X, G), A, **kw))
    return RuleReport(rule, tuple(forward), tuple(reverse), tuple(wrong))


def sample(kind, n, seed, *, m=None, spectrum=None):
    """A well-conditioned random matrix of ``kind`` and size ``n``.

    ``"symmetric"``: Q diag(spectrum) Qᵀ with a random orthogonal Q (default spectrum
    1, 2, ..., n shifted by -n/2, so well separated and of both signs); ``"spd"``: the same
    with spectrum 1, ..., n; ``"general"``: I + 0.3 N; ``"real spectrum"``: S diag(1..n) S⁻¹
    with S = I + 0.3 N; ``"tall"``: m x n (m = n + 2 by default) with singular values
    1, ..., n.

    >>> A = sample("spd", 3, 0)
    >>> bool(np.allclose(np.linalg.eigvalsh(A), [1, 2, 3]))
    True
    """
    gen = rng("points", seed)
    Q, _ = np.linalg.qr(gen.standard_normal((n, n)))
    if kind in ("symmetric", "spd"):
        if spectrum is None:
            spectrum = np.arange(1.0, n + 1) - (n / 2 + 0.25 if kind == "symmetric" else 0)
        return (Q * np.asarray(spectrum, dtype=float)) @ Q.T
    if kind == "general":
        return np.eye(n) + 0.3 * gen.standard_normal((n, n))
    if kind == "real spectrum":
        S = np.eye(n) + 0.3 * gen.standard_normal((n, n))
        return S @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(S)
    if kind == "tall":
        m = n + 2 if m is None else m
        U, _ = np.linalg.qr(gen.standard_normal((m, n)))
        s = np.arange(1.0, n + 1) if spectrum is None else np.asarray(spectrum, dtype=float)
        return (U * s) @ Q.T
    raise ValueError(f"unknown kind {kind!r}: use symmetric, spd, general, real spectrum or tall")
