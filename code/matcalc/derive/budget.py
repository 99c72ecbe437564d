"""The time cap of a derivation: a deadline checked between steps, never a thread or a
signal (the engine also runs single-threaded in a browser's Web Worker).

>>> b = Budget(10.0)
>>> b.remaining() > 9.0
True
>>> Budget(0.0).check("the moves")
Traceback (most recent call last):
...
matcalc.derive.budget.TimeCapExceeded: not finished within the time cap of 0 s (in the moves); ...
"""

from __future__ import annotations

import time

__all__ = ["Budget", "TimeCapExceeded", "DEFAULT_CAP"]

DEFAULT_CAP = 8.0  # seconds; every derive with default settings answers well within 10 s


class TimeCapExceeded(ValueError):
    """The derivation did not finish within its time cap (a refusal, never a wrong result).

    >>> isinstance(TimeCapExceeded("x"), ValueError)
    True
    """


class Budget:
    """A time cap in seconds, started when the budget is made.

    >>> Budget(2.5).cap
    2.5
    """

    def __init__(self, cap: float) -> None:
        if isinstance(cap, bool) or not isinstance(cap, int | float) or not cap >= 0 \
                or cap > 3600:
            raise ValueError(f"time_cap must be a number of seconds between 0 and 3600, got "
                             f"{cap!r}")
        self.cap = float(cap)
        self.start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the budget was made.

        >>> Budget(1.0).elapsed() < 1.0
        True
        """
        return time.monotonic() - self.start

    def remaining(self) -> float:
        """Seconds left (negative once the cap is passed).

        >>> Budget(1.0).remaining() <= 1.0
        True
        """
        return self.cap - self.elapsed()

    def check(self, what: str) -> None:
        """Raise :class:`TimeCapExceeded` naming ``what`` when the cap is passed.

        >>> Budget(5.0).check("simplifying")
        """
        if self.remaining() < 0:
            raise TimeCapExceeded(f"not finished within the time cap of {self.cap:g} s (in "
                                  f"{what}); nothing is returned. Raise time_cap (--time-cap) "
                                  f"or simplify the expression")
