"""Functions with known gradients, including the hard cases the checker must not flag."""

import numpy as np


def ill_conditioned(n, cond, rng):
    """A random n x n matrix with condition number ``cond`` and positive determinant."""
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = U @ np.diag(np.logspace(0, -np.log10(cond), n)) @ V.T
    return A if np.linalg.det(A) > 0 else -A if n % 2 else A @ np.diag([-1] + [1] * (n - 1))


def logdet_analytic(X):
    """log det X written so that it is complex-analytic (complex step applies)."""
    return np.log(np.linalg.det(X)) if np.iscomplexobj(X) else np.log(np.linalg.det(X))


def seed_loss_case(rng, m=3, n=4, p=6):
    X, Y = rng.standard_normal((n, p)), rng.standard_normal((m, p))
    W = rng.standard_normal((m, n))
    return (lambda W: 0.5 * np.sum((W @ X - Y) ** 2)), (lambda W: (W @ X - Y) @ X.T), W, X, Y


def hard_cases(rng):
    """(name, f, grad, X): correct gradients at ordinary and hard points."""
    X = rng.standard_normal((4, 5))
    S = rng.standard_normal((5, 5))
    C = ill_conditioned(5, 1e6, rng)
    f_seed, g_seed, W, _, _ = seed_loss_case(rng)
    away = X + np.sign(X) * 0.1  # away from the kinks of abs and ReLU
    return [
        ("seed loss", f_seed, g_seed, W),
        ("half squared norm", lambda X: 0.5 * np.sum(X ** 2), lambda X: X, X),
        ("zero gradient", lambda X: np.sum(X ** 2), lambda X: 2 * X, np.zeros((3, 4))),
        ("constant", lambda X: 3.0, np.zeros_like, X),
        ("entries of size 1e8", lambda X: 0.5 * np.sum(X ** 2), lambda X: X, 1e8 * X),
        ("entries of size 1e-8", lambda X: 0.5 * np.sum(X ** 2), lambda X: X, 1e-8 * X),
        ("values of size 1e8", lambda X: 1e8 * np.sum(np.sin(X)), lambda X: 1e8 * np.cos(X), X),
        ("values of size 1e-8", lambda X: 1e-8 * np.sum(np.sin(X)), lambda X: 1e-8 * np.cos(X), X),
        ("stiff sum exp(3X)", lambda X: np.sum(np.exp(3 * X)), lambda X: 3 * np.exp(3 * X), X),
        ("log det, cond 1e6", logdet_analytic, lambda X: np.linalg.inv(X).T, C),
        ("slogdet, cond 1e6", lambda X: np.linalg.slogdet(X)[1], lambda X: np.linalg.inv(X).T, C),
        ("slogdet", lambda X: np.linalg.slogdet(X)[1], lambda X: np.linalg.inv(X).T, S),
        ("sum |X|", lambda X: np.sum(np.abs(X)), np.sign, away),
        ("ReLU", lambda X: np.sum(np.maximum(X, 0)), lambda X: (X > 0) * 1.0, away),
        ("ReLU squared", lambda X: np.sum(np.maximum(X, 0) ** 2), lambda X: 2 * np.maximum(X, 0), X),
        ("conjugate inside", lambda X: np.sum(X * np.conj(X)), lambda X: 2 * X, X),
        ("norm (abs inside)", lambda X: np.linalg.norm(X), lambda X: X / np.linalg.norm(X), X),
        ("trace of inverse", lambda X: np.trace(np.linalg.inv(X)),
         lambda X: -np.linalg.matrix_power(np.linalg.inv(X), 2).T, S),
        ("quadratic form", lambda X: np.sum(X * (S[:4, :4] @ X)), lambda X: (S[:4, :4] + S[:4, :4].T) @ X, X),
        ("scalar variable", lambda x: np.sin(x) * x ** 2, lambda x: np.cos(x) * x ** 2 + 2 * x * np.sin(x), np.array(0.7)),
        ("vector variable", lambda x: np.log(np.sum(np.exp(x))), lambda x: np.exp(x) / np.sum(np.exp(x)), X[0]),
    ]
