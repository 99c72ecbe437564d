"""The stress grid of the layers' backward rules: stressed points, and the reference.

**Reference: JAX at float64, on an independent implementation of each layer** (jax.nn's
stable softplus, sigmoid, softmax and log-softmax, ``jax.lax`` convolutions and
``reduce_window`` max-pooling, attention masked with ``jnp.where`` before the softmax),
never on matcalc's own forward functions, so that a wrong forward would show. JAX is right
at these points: ``test_rule_stress`` checks the exp-based references against mpmath at 30
digits at the 1e3 scale.
"""

import os

os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 "
                                   "--xla_llvm_disable_expensive_passes=true")

import jax
import jax.numpy as jnp
import numpy as np
from matcalc.registry import get

jax.config.update("jax_enable_x64", True)

lax = jax.lax
EPS = 1e-5  # matcalc.backward.layers.NORM_EPS, restated: the reference does not import it


def _normalize(X, axis):
    mu = X.mean(axis, keepdims=True)
    return (X - mu) / jnp.sqrt(((X - mu) ** 2).mean(axis, keepdims=True) + EPS)


def _attention(Q, K, V, causal=True):
    T, d = Q.shape[-2], Q.shape[-1]
    S = Q @ jnp.swapaxes(K, -1, -2) / jnp.sqrt(d)
    if causal:
        S = jnp.where(jnp.tril(jnp.ones((T, T), bool)), S, -jnp.inf)
    return jax.nn.softmax(S, axis=-1) @ V


def _mha(X, Wq, Wk, Wv, Wo, heads=2):
    T, D = X.shape

    def split(A):
        return A.reshape(T, heads, D // heads).transpose(1, 0, 2)
    out = _attention(split(X @ Wq.T), split(X @ Wk.T), split(X @ Wv.T))
    return out.transpose(1, 0, 2).reshape(T, D) @ Wo.T


def _block(X, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    H = X + _mha(_normalize(X, -1), Wq, Wk, Wv, Wo)
    return H + jax.nn.gelu(_normalize(H, -1) @ W1.T + b1, approximate=True) @ W2.T + b2


def _conv(X, W, b, stride, padding):
    n = X.ndim - 2
    spec = ("NCH", "OIH", "NCH") if n == 1 else ("NCHW", "OIHW", "NCHW")
    Y = lax.conv_general_dilated(X, W, (stride,) * n, [(padding, padding)] * n,
                                 dimension_numbers=spec)
    return Y + b.reshape((1, -1) + (1,) * n)


def _cross_entropy(Z, y):
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(Z, -1), jnp.asarray(y)[:, None], 1))


#: layer (its VJP claim's name) -> the independent JAX forward, called with the point by name.
REFERENCES = {
    "linear layer": lambda X, W, b: X @ W.T + b,
    "broadcast add": lambda X, b: X + b,
    "sum over the batch": lambda X: jnp.sum(X, 0),
    "mean over the batch": lambda X: jnp.mean(X, 0),
    "reshape (flatten)": lambda X: jnp.reshape(X, (X.shape[0], -1)),
    "transpose (permute axes)": lambda X: jnp.transpose(X, (1, 2, 0)),
    "slice (columns 1:3)": lambda X: X[:, 1:3],
    "gather (embedding lookup)": lambda E, idx: jnp.take(E, jnp.asarray(idx), axis=0),
    "dropout (fixed mask)": lambda X, M: X * M / 0.75,
    "residual connection": lambda X, W: X + X @ W.T,
    "mean squared error": lambda P, T: jnp.mean((P - T) ** 2),
    "ReLU": lambda X: jax.nn.relu(X),
    "GELU (tanh form)": lambda X: jax.nn.gelu(X, approximate=True),
    "tanh": lambda X: jnp.tanh(X),
    "sigmoid": lambda X: jax.nn.sigmoid(X),
    "softplus": lambda X: jax.nn.softplus(X),
    "softmax (rows)": lambda Z: jax.nn.softmax(Z, -1),
    "log-softmax (rows)": lambda Z: jax.nn.log_softmax(Z, -1),
    "logsumexp (rows)": lambda Z: jax.scipy.special.logsumexp(Z, -1),
    "cross-entropy (integer labels, mean)": _cross_entropy,
    "layer norm": lambda X, gamma, beta: gamma * _normalize(X, -1) + beta,
    "RMS norm": lambda X, gamma: gamma * X / jnp.sqrt(jnp.mean(X ** 2, -1, keepdims=True) + EPS),
    "batch norm (training mode)": lambda X, gamma, beta: gamma * _normalize(X, 0) + beta,
    "scaled dot-product attention (causal)": _attention,
    "multi-head self-attention (causal)": _mha,
    "conv1d (im2col, stride 2, padding 1)": _conv,
    "conv2d (im2col, stride 2, padding 1)": _conv,
    "conv2d (direct, stride 2, padding 1)": _conv,
    "max-pool 2x2": lambda X: lax.reduce_window(X, -jnp.inf, lax.max, (1, 1, 2, 2),
                                                (1, 1, 2, 2), "VALID"),
    "pre-norm transformer block": _block,
}

#: Cells where the only right answer is a refusal, and why.
MUST_REFUSE = {
    ("multi-head self-attention (causal)", "feature 1"): "one feature does not split into 2 heads",
    ("pre-norm transformer block", "feature 1"): "one feature does not split into 2 heads",
    ("cross-entropy (integer labels, mean)", "feature 1"): "labels up to 3 with one class",
    ("max-pool 2x2", "feature 1"): "a width of 1 does not split into 2 x 2 windows",
}


def split(claim, point):
    """``(inputs tuple in wrt order, constants dict)`` of a layer's point."""
    return (tuple(point[k] for k in claim.wrt),
            {k: v for k, v in point.items() if k not in claim.wrt})


def _axis_letters(rule):
    letters = "".join(rule.shapes.get(k, "") for k in rule.wrt)
    batch = "b" if "b" in letters else ("t" if "t" in letters else None)
    return batch, rule.shapes[rule.wrt[0]][-1]


def _shrink(rule, point, letter, labels):
    """The point with every axis named ``letter`` cut to length 1 (constants of an input's
    shape follow it; with ``labels``, 1-D integer constants, per-sample labels or indices,
    are cut too)."""
    out = dict(point)
    for k in rule.wrt:
        cut = tuple(slice(0, 1) if c == letter else slice(None) for c in rule.shapes[k])
        for name, v in point.items():
            if isinstance(v, np.ndarray) and v.shape == point[k].shape and (
                    name == k or name not in rule.wrt):
                out[name] = v[cut]
    if labels:
        out.update({name: v[:1] for name, v in point.items() if isinstance(v, np.ndarray)
                    and v.dtype.kind in "iu" and v.ndim == 1})
    return out


def _cast(rule, point, scale=1.0, dtype=np.float64):
    return {k: (np.asarray(v * scale, dtype=dtype) if k in rule.wrt else v)
            for k, v in point.items()}


def cells(rule):
    """``(cell name, point)`` for every cell of the grid for ``rule``."""
    base = rule.point(0)
    batch, feature = _axis_letters(rule)
    out = [("scale 1e-3", _cast(rule, base, 1e-3)), ("scale 1e3", _cast(rule, base, 1e3)),
           ("batch 1", _shrink(rule, base, batch, labels=True)),
           ("feature 1", _shrink(rule, base, feature, labels=False)),
           ("float32", _cast(rule, base, 1.0, np.float32)),
           ("float32, scale 1e3", _cast(rule, base, 1e3, np.float32))]
    return out


def evaluate(rule, point, seed=0):
    """matcalc's forward, VJP and JVP (the layer's VJP claim and its forward-mode claim,
    called by name as the checker calls them) at ``point``, with a seeded cotangent and
    tangents in the point's precision: ``(outputs dict, G, tangents)``."""
    X, _ = split(rule, point)
    dtype = X[0].dtype
    r = np.random.default_rng(seed)
    Y = rule.function(**point)
    G = r.standard_normal(np.shape(Y)).astype(dtype)
    tangents = tuple(r.standard_normal(x.shape).astype(dtype) for x in X)
    grads = rule.claim(**point, G=G)
    grads = grads if len(rule.wrt) > 1 else (grads,)
    J = get(f"{rule.name}, forward mode").claim(
        **point, **{"d" + k: t for k, t in zip(rule.wrt, tangents)})
    values = {"value": Y, "JVP": J, **{f"VJP {k}": g for k, g in zip(rule.wrt, grads)}}
    return values, G, tangents


_PROGRAMS = {}


def _program(rule, scalars):
    """One compiled JAX program per rule (reused for every cell of the same shapes): the
    value, the VJP and the JVP of the independent forward."""
    key = (rule.name, tuple(sorted(scalars.items())))
    if key not in _PROGRAMS:
        ref = REFERENCES[rule.name]

        @jax.jit
        def program(xs, arrays, G, tangents):
            def f(*xs):
                return ref(**scalars, **arrays, **dict(zip(rule.wrt, xs)))
            Y, pull = jax.vjp(f, *xs)
            return Y, pull(G), jax.jvp(f, xs, tangents)[1]
        _PROGRAMS[key] = program
    return _PROGRAMS[key]


def reference(rule, point, G, tangents):
    """JAX's value, VJP and JVP of the independent forward, at float64 (the point's values
    widened exactly), as numpy arrays keyed like :func:`evaluate`'s."""
    X, consts = split(rule, point)
    arrays = {k: v for k, v in consts.items() if isinstance(v, np.ndarray)}
    scalars = {k: v for k, v in consts.items() if k not in arrays}

    def wide(a):
        return jnp.asarray(a, jnp.float64)
    Y, grads, J = _program(rule, scalars)(tuple(map(wide, X)), arrays, wide(G),
                                          tuple(map(wide, tangents)))
    return {"value": np.asarray(Y), "JVP": np.asarray(J),
            **{f"VJP {k}": np.asarray(g) for k, g in zip(rule.wrt, grads)}}
