"""The command line: ``python -m matcalc derive EXPRESSION --wrt W --shape W=m,n ...``.

Prints the differential steps (each with its rule), the gradient and what was checked; with
``--latex`` the same in the book's LaTeX macros. ``--hessian`` adds the Hessian H[V];
a matrix-valued expression gets its differential and Kronecker Jacobian.

>>> main(["derive", "x.T @ A @ x", "--wrt", "x", "--shape", "x=n", "--shape", "A=n,n"])
d L = dx^T A x + x^T A dx    [linearity; product rule]
...
gradient with respect to x: (A + A^T) x
...
0
"""

import argparse
import sys

__all__ = ["main"]

_PROPS = ("symmetric", "spd", "diagonal", "positive")


def _parser():
    p = argparse.ArgumentParser(prog="python -m matcalc", description="matcalc tools")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("derive", help="derive a gradient (or a differential) step by step, "
                       "checked before it is printed")
    d.add_argument("expression", help='e.g. "0.5 * fro(W @ X - Y)**2" (numpy semantics)')
    d.add_argument("--wrt", required=True, help="the variable to differentiate with respect to")
    d.add_argument("--shape", action="append", default=[], metavar="NAME=ROWS,COLS",
                   help="a variable's shape in dimension letters (NAME=n for a column, "
                        "NAME=1 for a scalar); one per variable")
    for prop in _PROPS:
        d.add_argument(f"--{prop}", action="append", default=[], metavar="NAME",
                       help=f"declare NAME {prop}")
    d.add_argument("--latex", action="store_true", help="print LaTeX (the book's macros)")
    d.add_argument("--hessian", action="store_true", help="also derive the Hessian H[V]")
    return p


def _shapes(items):
    shapes = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"--shape wants NAME=ROWS,COLS, got {item!r}")
        name, shape = item.split("=", 1)
        shapes[name.strip()] = shape.strip()
    return shapes


def _print_latex(r, out):
    steps = r.steps.steps
    print(r"\begin{aligned}", file=out)
    print(rf"\d L &= {steps[0].latex} && \text{{{steps[0].why}}} \\", file=out)
    for s in steps[1:]:
        print(rf"&= {s.latex} && \text{{{s.why}}} \\", file=out)
    print(r"\end{aligned}", file=out)
    print(f"gradient: {r.latex}", file=out)
    print(r.checked, file=out)


def main(argv=None, out=None):
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 failed check).

    >>> main(["derive", "tr(A @ X)", "--wrt", "X", "--shape", "A=n,m", "--shape", "X=m,n"])
    d L = tr(A dX)    [...]
    ...
    gradient with respect to X: A^T
    ...
    0
    """
    from .derive import derive, differential, hessian
    from .derive.engine import DerivationFailed
    from .derive.parse import parse

    out = out or sys.stdout
    args = _parser().parse_args(argv)
    try:
        props = {}
        for prop in _PROPS:
            for name in getattr(args, prop):
                props.setdefault(name, []).append(prop)
        expr = parse(args.expression, _shapes(args.shape), props)
        if expr.shape != ("1", "1"):
            d = differential(expr, args.wrt)
            print(d if not args.latex else f"dF = {d.latex}\nJ = "
                  f"{d.jacobian.latex if d.jacobian is not None else d.jacobian_note}", file=out)
            return 0
        r = derive(expr, args.wrt)
        if args.latex:
            _print_latex(r, out)
        else:
            print(r, file=out)
        if args.hessian:
            h = hessian(expr, args.wrt)
            print(h if not args.latex else f"H[V] = {h.latex}", file=out)
    except DerivationFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
