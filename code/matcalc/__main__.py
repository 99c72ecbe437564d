"""The command line: ``python -m matcalc derive EXPRESSION --wrt W --shape W=m,n ...``.

Prints the differential steps (each with its rule), the answer and what was checked; with
``--latex`` the same in the book's LaTeX macros, with ``--code numpy`` (or ``jax``) the
source of a function computing it. ``--hessian`` adds the Hessian H[V]; a matrix-valued
expression gets its differential and its vec form. ``--sizes m=5,n=3`` fixes sizes of the
numeric checks, ``--exact``/``--no-exact`` forces or skips the exact check, and
``--time-cap`` bounds the time. Exit status: 0 checked, 1 a check failed, 2 bad input or
an expression the engine refuses (the message says why); never a traceback.

>>> main(["derive", "x.T @ A @ x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"])
d L = dx^T A x + x^T A dx    [...]
...
gradient with respect to x: (A + A^T) x
...
0
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .derive import Derived

__all__ = ["main"]

_PROPS = ("symmetric", "spd", "diagonal", "positive", "invertible")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m matcalc", description="matcalc tools")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("derive", help="derive a gradient (or a differential) step by step, "
                       "checked before it is printed")
    d.add_argument("expression", help='e.g. "0.5 * fro(W @ X - Y)**2" (numpy semantics)')
    d.add_argument("--wrt", required=True, help="the variable to differentiate with respect to")
    d.add_argument("--shape", action="append", default=[], metavar="NAME=ROWS,COLS[:PROP]",
                   help="a variable's shape in dimension letters (NAME=n for a column, "
                        "NAME=1 for a scalar, NAME=m*p for a product), optionally with "
                        "properties (S=n,n:spd); one per variable")
    for prop in _PROPS:
        d.add_argument(f"--{prop}", action="append", default=[], metavar="NAME",
                       help=f"declare NAME {prop}")
    d.add_argument("--sizes", default=None, metavar="m=5,n=3",
                   help="sizes of dimension letters for the numeric checks")
    d.add_argument("--exact", action=argparse.BooleanOptionalAction, default=None,
                   help="force (--exact) or skip (--no-exact) the exact sympy check; by "
                        "default it runs where it is rational and small enough")
    d.add_argument("--time-cap", type=float, default=None, metavar="SECONDS",
                   help="give up (exit 2) when not finished in this time (default 8)")
    d.add_argument("--latex", action="store_true", help="print LaTeX (the book's macros)")
    d.add_argument("--code", choices=("numpy", "jax"), default=None,
                   help="print a Python function computing the answer, checked against it")
    d.add_argument("--hessian", action="store_true", help="also derive the Hessian H[V]")
    return p


def _shapes(items: list, props: dict) -> dict:
    shapes: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"--shape wants NAME=ROWS,COLS, got {item!r}")
        name, shape = (x.strip() for x in item.split("=", 1))
        if name in shapes:
            raise ValueError(f"--shape {item}: {name} is declared twice (first as "
                             f"{shapes[name]}); give each variable one --shape")
        shape, *extra = shape.split(":")
        for prop in extra:
            if prop.strip() not in _PROPS:
                raise ValueError(f"--shape {item}: unknown property {prop!r}; properties are "
                                 f"{', '.join(_PROPS)}")
            props.setdefault(name, []).append(prop.strip())
        shapes[name] = shape
    return shapes


def _sizes(text: str | None) -> dict | None:
    if text is None:
        return None
    out = {}
    for part in text.split(","):
        if part.count("=") != 1:
            raise ValueError(f"--sizes wants LETTER=SIZE pairs, e.g. m=5,n=3, got {text!r}")
        k, v = (x.strip() for x in part.split("="))
        if not v.isdigit():
            raise ValueError(f"--sizes {k}={v}: a size is a positive integer")
        if k in out:
            raise ValueError(f"--sizes {text}: {k} is given twice")
        out[k] = int(v)
    return out


def _print_latex(r: Derived, out: TextIO) -> None:
    head = {"gradient": r"\d L", "differential": r"\d F", "hessian": r"\d G"}[r.kind]
    print(r"\begin{aligned}", file=out)
    for k, s in enumerate(r.steps):
        print(rf"{head if k == 0 else ''} &= {s.latex} && \text{{{s.why}}} \\", file=out)
    print(r"\end{aligned}", file=out)
    label = {"gradient": "gradient", "differential": "dF", "hessian": "H[V]"}[r.kind]
    print(f"{label}: {r.latex}", file=out)
    if r.vec_form is not None:
        print(f"vec form: {r.vec_form.latex}", file=out)
    print(r.checked, file=out)


def _show(r: Derived, args: argparse.Namespace, out: TextIO) -> None:
    if args.latex:
        _print_latex(r, out)
    else:
        print(r, file=out)
    if args.code:
        print(r.code(args.code), file=out)


def _run(args: argparse.Namespace, out: TextIO) -> None:
    from .derive import derive, differential, hessian
    from .derive.parse import parse
    props: dict = {}
    for prop in _PROPS:
        for name in getattr(args, prop):
            props.setdefault(name, []).append(prop)
    shapes = _shapes(args.shape, props)
    expr = parse(args.expression, shapes, props)
    options = {"exact": args.exact, "sizes": _sizes(args.sizes)}
    if args.time_cap is not None:
        options["time_cap"] = args.time_cap
    if expr.shape != ("1", "1"):
        if args.hessian:
            raise ValueError(f"--hessian needs a scalar expression; {args.expression} is "
                             f"{' x '.join(expr.shape)} (its differential is printed without "
                             f"--hessian)")
        _show(differential(expr, args.wrt, **options), args, out)
        return
    _show(derive(expr, args.wrt, **options), args, out)
    if args.hessian:
        _show(hessian(expr, args.wrt, **options), args, out)


def main(argv: list | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 checked, 1 a check failed, 2 bad
    input or a refusal). Errors are one message on stderr, never a traceback.

    >>> main(["derive", "tr(A @ X)", "--wrt", "X", "--shape", "A=n,m", "--shape", "X=m,n"])
    d L = tr(A dX)    [...]
    ...
    gradient with respect to X: A^T
    ...
    0
    """
    from .derive.checks import DerivationFailed
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        _run(args, out)
    except DerivationFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # an engine bug: still one message, and nothing printed as checked
        print(f"error: the engine failed ({type(exc).__name__}: {exc}); nothing was checked "
              f"or returned. Please report the expression.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
