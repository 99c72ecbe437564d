"""What a catalogue check returns: :class:`EntryResult` (the full outcome, with the exact and
numeric results inside) and :class:`Summary` (the few fields the page and the verification
cache keep), and :func:`describe`, the one-line "how it was checked" text.

>>> s = Summary(passed=True, how="exact: proved at n=2", error=1e-15, exact="proved")
>>> s.passed, Summary.from_dict(s.as_dict()) == s
(True, True)
"""

from dataclasses import asdict, dataclass

from ..backend import sizes_text

__all__ = ["EntryResult", "Summary", "describe"]


@dataclass(frozen=True)
class Summary:
    """The outcome of one entry's check as plain data (stored by the verification cache).

    ``exact`` is the status of the exact check (``"proved"``, ``"disproved"``,
    ``"undecided"``) or None when none ran; ``condition_needed`` is True/False for an entry
    with conditions (checked again without them), None otherwise.

    >>> Summary(passed=False, how="numeric: relative error 3e-01", error=0.3).passed
    False
    """

    passed: bool
    how: str
    error: float
    exact: object = None
    condition_needed: object = None

    def __bool__(self):
        return self.passed

    def as_dict(self):
        """The summary as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        """The summary stored by :meth:`as_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class EntryResult:
    """Outcome of :meth:`Entry.check <matcalc.catalogue.entry.Entry.check>`.

    ``passed`` is the verdict and ``how`` one line saying how the entry was checked;
    ``exact`` is the :class:`~matcalc.symbolic.IdentityResult` of the exact check (None if
    none ran), ``numeric`` the :class:`~matcalc.CheckResult` of the numeric check (a float
    for Jacobians: the relative error of the whole array). For an entry with conditions,
    ``without_conditions`` is the result with them dropped and ``condition_needed`` says
    whether that failed.

    >>> r = EntryResult(passed=True, exact=None, numeric=2e-12, how="numeric: 2e-12")
    >>> r.error, str(r)
    (2e-12, 'PASSED: numeric: 2e-12')
    """

    passed: bool
    exact: object
    numeric: object
    how: str
    without_conditions: object = None
    condition_needed: object = None

    @property
    def error(self):
        """The relative error of the numeric check."""
        n = self.numeric
        return float(n.error) if hasattr(n, "error") else float(n)

    def summary(self):
        """The result as a :class:`Summary` (what the page and the cache keep)."""
        return Summary(passed=bool(self.passed), how=self.how, error=self.error,
                       exact=None if self.exact is None else self.exact.status,
                       condition_needed=self.condition_needed)

    def __bool__(self):
        return self.passed

    def __str__(self):
        return f"{'PASSED' if self.passed else 'FAILED'}: {self.how}"

    __repr__ = __str__


def describe(exact, exact_sizes, numeric, numeric_sizes):
    """One line saying how an entry was checked: the exact result's status at its sizes,
    the numeric error at its sizes (or a text such as "the entry's points") and the
    numerical method.

    >>> describe(None, None, 3e-12, {"n": 4})
    'exact: not feasible; numeric: relative error 3e-12 at n=4'
    """
    parts = []
    if exact is not None:
        parts.append(f"exact: {exact.status} at {sizes_text(exact_sizes)}")
    else:
        parts.append("exact: not feasible")
    if numeric is not None:
        err = numeric.error if hasattr(numeric, "error") else numeric
        method = f", {numeric.method}" if hasattr(numeric, "method") else ""
        where = numeric_sizes if isinstance(numeric_sizes, str) else sizes_text(numeric_sizes)
        parts.append(f"numeric: relative error {err:.0e} at {where}"
                     f"{method}")
    return "; ".join(parts)
