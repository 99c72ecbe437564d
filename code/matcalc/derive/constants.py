"""Numbers and dimensions of the expression language: constants as exact fractions where
they are, powers of constants folded without overflow or hangs, and dimensions (letters
and their products) in one normal form.

>>> number(0.25), dim_product("p", "m")
(Fraction(1, 4), 'm*p')
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Number
from typing import Any, cast

__all__ = ["number", "fold_power", "dimension", "dim_product"]


def number(value: Any) -> Fraction | float:
    """A Python number as an exact Fraction when it is one (0.5 -> 1/2), else a float.
    Raises ValueError for what is not a finite float64 number.

    >>> number(0.5), number(3)
    (Fraction(1, 2), Fraction(3, 1))
    >>> number(float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: the constant inf is not a finite number
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, Number) or isinstance(value, complex):
        raise ValueError(f"not a real number: {value!r}")
    if isinstance(value, int):
        if abs(value) > 1.7e308:
            raise ValueError(f"the constant {_short(value)} exceeds the float64 range "
                             f"(about 1.8e308)")
        return Fraction(value)
    real = float(cast(Any, value))  # numpy floats and other real numbers
    if not math.isfinite(real):
        raise ValueError(f"the constant {real!r} is not a finite number")
    frac = Fraction(real).limit_denominator(10**6)
    return frac if float(frac) == real else real


def _short(n: int) -> str:
    text = str(n)
    return text if len(text) < 20 else f"{text[:6]}... ({len(text)} digits)"


def fold_power(value: Any, p: Any) -> Fraction | float:
    """value ** p for numbers: exact for small integer exponents, else a float; ValueError
    when it is not a finite real number.

    >>> fold_power(Fraction(2), Fraction(3)), fold_power(Fraction(4), Fraction(1, 2))
    (Fraction(8, 1), Fraction(2, 1))
    """
    if value == 0 and p < 0:
        raise ValueError("division by zero in a constant (0 to a negative power)")
    if isinstance(p, Fraction) and p.denominator == 1 and isinstance(value, Fraction) \
            and abs(p) <= 64 and max(abs(value.numerator), value.denominator) < 2**64:
        return value ** int(p)
    try:
        out = float(value) ** float(p)
    except (OverflowError, ZeroDivisionError):
        out = math.inf
    if isinstance(out, complex) or not math.isfinite(out):
        raise ValueError(f"the constant {float(value):g} ** {float(p):g} is not a finite real "
                         f"number")
    return number(out)


def dimension(d: object, what: str) -> str:
    """A dimension in normal form: a letter, '1', or letters joined by '*' in sorted
    order (m*p and p*m are one size); ValueError naming ``what`` otherwise.

    >>> dimension("p * m", "x"), dimension("1", "x")
    ('m*p', '1')
    """
    d = str(d).replace(" ", "")
    parts = d.split("*")
    if not d or not all(p == "1" or (p.replace("_", "").isalnum() and p.isascii()
                                     and not p[0].isdigit()) for p in parts):
        raise ValueError(f"{what}: a dimension is a letter, a product of letters (m*p) or "
                         f"'1', got {d!r}")
    parts = sorted(p for p in parts if p != "1")  # m*p and p*m are one size
    return "*".join(parts) or "1"


def dim_product(a: str, b: str) -> str:
    """The dimension of a Kronecker or vec product: ``m*p`` (letters sorted, 1 left out).

    >>> dim_product("p", "m"), dim_product("1", "n")
    ('m*p', 'n')
    """
    return dimension(f"{a}*{b}", "dimension")
