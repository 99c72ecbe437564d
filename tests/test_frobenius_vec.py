import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from matcalc import commutation, frob, unvec, vec
from matcalc.symbolic import matrix

dims = st.integers(1, 6)


@settings(max_examples=50, deadline=None, derandomize=True)  # the same draw in every run
@given(m=dims, n=dims, seed=st.integers(0, 2**32 - 1))
def test_frob_is_trace_and_vec_inner_product(m, n, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    assert frob(A, B) == pytest.approx(np.trace(A.T @ B))
    assert frob(A, B) == pytest.approx(vec(A) @ vec(B))
    assert frob(A, A) == pytest.approx(np.linalg.norm(A, "fro") ** 2)
    assert frob(A, B) == pytest.approx(frob(A.T, B.T))


def test_frob_exact_values_and_types():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert frob(A, np.eye(2)) == 5.0
    assert isinstance(frob(A, A), float)
    assert frob(2.0, 3.0) == 6.0
    # no conjugation of complex arguments (the checker relies on it)
    assert frob(np.array([1j]), np.array([1j])) == -1


def test_frob_symbolic_is_exact():
    A, B = matrix("A", 2, 3), matrix("B", 2, 3)
    assert sp.expand(frob(A, B) - (A.T * B).trace()) == 0


def test_frob_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3, 2\)"):
        frob(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(3, 2\)"):
        frob(matrix("A", 2, 3), matrix("B", 3, 2))


def test_vec_is_column_major():
    A = np.array([[1, 2, 3], [4, 5, 6]])
    assert vec(A).tolist() == [1, 4, 2, 5, 3, 6]
    assert unvec(vec(A), A.shape).tolist() == A.tolist()
    S = sp.Matrix([[1, 2, 3], [4, 5, 6]])
    assert list(vec(S)) == [1, 4, 2, 5, 3, 6]
    assert unvec(vec(S), (2, 3)) == S


@settings(max_examples=50, deadline=None, derandomize=True)  # the same draw in every run
@given(m=dims, n=dims, p=dims, seed=st.integers(0, 2**32 - 1))
def test_vec_of_product_is_kronecker(m, n, p, seed):
    # vec(AXB) = (B^T kron A) vec(X): the identity that fixes the column-major convention.
    rng = np.random.default_rng(seed)
    A, X, B = (rng.standard_normal(s) for s in ((m, n), (n, p), (p, m)))
    assert np.allclose(vec(A @ X @ B), np.kron(B.T, A) @ vec(X))


@settings(max_examples=50, deadline=None, derandomize=True)  # the same draw in every run
@given(m=dims, n=dims, seed=st.integers(0, 2**32 - 1))
def test_commutation_matrix(m, n, seed):
    A = np.random.default_rng(seed).standard_normal((m, n))
    K = commutation(m, n)
    assert K.shape == (m * n, m * n)
    assert np.array_equal(K @ vec(A), vec(A.T))
    assert np.array_equal(K.T, commutation(n, m))          # K_mn^T = K_nm
    assert np.array_equal(K.T @ K, np.eye(m * n))           # a permutation
    assert np.array_equal(commutation(n, m) @ K @ vec(A), vec(A))


def test_commutation_is_not_identity_for_rectangular():
    assert not np.array_equal(commutation(2, 3), np.eye(6))
    assert np.array_equal(commutation(1, 4), np.eye(4))


def test_vec_errors():
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2\)"):
        vec(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"length 5 into shape \(2, 3\)"):
        unvec(np.ones(5), (2, 3))
    with pytest.raises(ValueError, match=r"shape \(2, 3\)"):
        unvec(np.ones((2, 3)), (3, 2))
    with pytest.raises(ValueError, match="m=0"):
        commutation(0, 3)
    with pytest.raises(ValueError, match="n=2.5"):
        commutation(2, 2.5)
