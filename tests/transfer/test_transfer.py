"""Calibration transfer: DS, PDS and Kennard-Stone against known answers."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklspec.preprocessing import StandardNormalVariate
from sklspec.transfer import (
    DirectStandardization,
    PiecewiseDirectStandardization,
    kennard_stone,
)
from sklspec.utils import get_data_home

ESTIMATORS = [DirectStandardization(), PiecewiseDirectStandardization(window=2)]


def _smooth_spectra(n, p, seed=0):
    """Random smooth spectra (sums of Gaussian bands) of full local rank."""
    rng = np.random.default_rng(seed)
    x = np.arange(p)
    centres = rng.uniform(0, p, (n, 6, 1))
    widths = rng.uniform(2, 8, (n, 6, 1))
    heights = rng.uniform(0.2, 1.0, (n, 6, 1))
    X = (heights * np.exp(-(((x - centres) / widths) ** 2))).sum(axis=1)
    return X + 0.01 * rng.normal(size=(n, p))


def _relative_error(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


# ------------------------------------------------------------------ DS
def test_ds_recovers_a_linear_map_exactly():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12))
    A = rng.normal(size=(12, 9))
    b = rng.normal(size=9)
    ds = DirectStandardization().fit(X, X @ A + b)
    np.testing.assert_allclose(ds.transfer_matrix_, A, atol=1e-10)
    np.testing.assert_allclose(ds.offset_, b, atol=1e-10)
    X_new = rng.normal(size=(7, 12))
    assert _relative_error(ds.transform(X_new), X_new @ A + b) < 1e-10
    assert ds.n_components_ == 12


def test_ds_pinv_matches_numpy_when_underdetermined():
    """More points than samples: DS is the minimum-norm pinv solution."""
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(8, 30)), rng.normal(size=(8, 25))
    ds = DirectStandardization().fit(X, Y)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    np.testing.assert_allclose(ds.transfer_matrix_, np.linalg.pinv(Xc) @ Yc)
    # the transfer samples are reproduced exactly
    np.testing.assert_allclose(ds.transform(X), Y, atol=1e-10)
    assert ds.n_components_ == 7  # rank of 8 centred samples


def test_ds_ridge_and_truncation():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(20, 10)), rng.normal(size=(20, 6))
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    alpha = 3.0
    ridge = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(10), Xc.T @ Yc)
    ds = DirectStandardization(alpha=alpha).fit(X, Y)
    np.testing.assert_allclose(ds.transfer_matrix_, ridge, atol=1e-12)

    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    pcr = Vt[:3].T @ np.diag(1 / s[:3]) @ U[:, :3].T @ Yc
    ds3 = DirectStandardization(n_components=3).fit(X, Y)
    np.testing.assert_allclose(ds3.transfer_matrix_, pcr, atol=1e-12)
    assert ds3.n_components_ == 3
    # more components than the rank: clipped
    assert DirectStandardization(n_components=50).fit(X, Y).n_components_ == 10


# ------------------------------------------------------------------ PDS
def test_pds_recovers_shift_gain_offset():
    """Master = 1.3 * slave shifted by one point + 0.05: recovered exactly."""
    X = _smooth_spectra(30, 120)
    Y = 1.3 * X[:, 1:] + 0.05  # master point j = slave point j + 1
    X = X[:, :-1]
    Y_clean = Y.copy()
    pds = PiecewiseDirectStandardization(window=1, n_components=3).fit(X, Y)
    X_new_full = _smooth_spectra(10, 120, seed=5)
    X_new, Y_new = X_new_full[:, :-1], 1.3 * X_new_full[:, 1:] + 0.05
    # the last master point's slave partner lies outside the spectrum
    err = _relative_error(pds.transform(X_new)[:, :-1], Y_new[:, :-1])
    assert err < 1e-6
    F = pds.transfer_matrix_
    np.testing.assert_allclose(np.diag(F, k=-1), 1.3, atol=1e-6)
    np.testing.assert_allclose(pds.offset_[:-1], 0.05, atol=1e-6)
    np.testing.assert_allclose(pds.transform(X)[:, :-1], Y_clean[:, :-1], atol=1e-6)


def test_pds_default_recovers_map_on_low_rank_spectra():
    """Mixtures of two pure spectra: PLS with 2 components is exact."""
    rng = np.random.default_rng(3)
    pure = _smooth_spectra(2, 80, seed=4)
    C = rng.uniform(0.1, 1.0, (15, 2))
    X = C @ pure
    Y = 0.9 * np.roll(X, 1, axis=1) + 0.1  # master j = slave j - 1
    pds = PiecewiseDirectStandardization().fit(X, Y)
    assert pds.n_components_ == 2
    C_new = rng.uniform(0.1, 1.0, (5, 2))
    X_new = C_new @ pure
    Y_new = 0.9 * np.roll(X_new, 1, axis=1) + 0.1
    assert _relative_error(pds.transform(X_new)[:, 1:], Y_new[:, 1:]) < 1e-6


@pytest.mark.parametrize("window", [0, 1, 4])
def test_pds_is_banded(window):
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(25, 40)), rng.normal(size=(25, 40))
    F = PiecewiseDirectStandardization(window=window).fit(X, Y).transfer_matrix_
    i, j = np.indices(F.shape)
    assert np.all(F[np.abs(i - j) > window] == 0)
    assert np.all(np.any(F != 0, axis=0))  # every master point has a model


def test_pds_columns_match_sklearn_pls_per_window():
    """Each column of F is the PLSRegression(scale=False) fit on its window."""
    rng = np.random.default_rng(7)
    X = _smooth_spectra(18, 30, seed=7)
    Y = X @ rng.normal(size=(30, 30)) * 0.1 + rng.normal(size=(18, 30)) * 0.01
    h, a = 3, 2
    pds = PiecewiseDirectStandardization(window=h, n_components=a).fit(X, Y)
    for j in [0, 1, 2, 10, 15, 27, 29]:
        lo, hi = max(0, j - h), min(30, j + h + 1)
        pls = PLSRegression(n_components=min(a, hi - lo), scale=False)
        pls.fit(X[:, lo:hi], Y[:, j])
        np.testing.assert_allclose(
            pds.transfer_matrix_[lo:hi, j], pls.coef_.ravel(), rtol=1e-7, atol=1e-9
        )
        # sklearn's intercept_ is the mean of y (its predict centres X)
        offset = pls.intercept_.ravel()[0] - X[:, lo:hi].mean(0) @ pls.coef_.ravel()
        np.testing.assert_allclose(pds.offset_[j], offset, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(
        pds.transform(X[:3]), X[:3] @ pds.transfer_matrix_ + pds.offset_
    )


def test_pds_different_numbers_of_points():
    """A master with half the points: windows centred at the same position."""
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(12, 21)), rng.normal(size=(12, 11))
    pds = PiecewiseDirectStandardization(window=1).fit(X, Y)
    np.testing.assert_array_equal(pds.window_centres_, np.arange(0, 21, 2))
    F = pds.transfer_matrix_
    assert F.shape == (21, 11)
    i, j = np.indices(F.shape)
    assert np.all(F[np.abs(i - 2 * j) > 1] == 0)
    assert pds.transform(X).shape == (12, 11)


def test_pds_fit_is_fast():
    import time

    X = _smooth_spectra(40, 700)
    Y = 1.1 * X + 0.02
    t0 = time.perf_counter()
    PiecewiseDirectStandardization(window=5, n_components=3).fit(X, Y)
    assert time.perf_counter() - t0 < 2.0


# ------------------------------------------------------------------ both
@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_errors(est):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 20)), rng.normal(size=(10, 20))
    with pytest.raises(ValueError, match="X has 10 spectra but y has 9"):
        clone(est).fit(X, Y[:9])
    with pytest.raises(ValueError, match="at least 2 transfer samples, got 1"):
        clone(est).fit(X[:1], Y[:1])
    with pytest.raises(ValueError, match="requires y to be passed"):
        clone(est).fit(X)
    with pytest.raises(NotFittedError):
        clone(est).transform(X)
    fitted = clone(est).fit(X, Y)
    with pytest.raises(ValueError, match="20 features"):
        fitted.transform(X[:, :5])


def test_pds_window_larger_than_spectrum():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 6)), rng.normal(size=(10, 6))
    with pytest.raises(ValueError, match=r"window=3 gives windows of 7 points.*<= 2"):
        PiecewiseDirectStandardization(window=3).fit(X, Y)
    PiecewiseDirectStandardization(window=2).fit(X, Y)  # 5 points: fine


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_pandas_output_keeps_master_names(est):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(10, 8)), columns=[f"{w}" for w in range(8)])
    master = [f"m{1000 + 2 * w}" for w in range(8)]
    Y = pd.DataFrame(rng.normal(size=(10, 8)), columns=master)
    out = clone(est).set_output(transform="pandas").fit(X, Y).transform(X)
    assert list(out.columns) == master
    np.testing.assert_allclose(out.to_numpy(), clone(est).fit(X, Y).transform(X))
    # a plain array y: generated names, one per master point
    names = clone(est).fit(X.to_numpy(), Y.to_numpy()[:, :5]).get_feature_names_out()
    prefix = type(est).__name__.lower()
    assert list(names) == [f"{prefix}{i}" for i in range(5)]


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_float32_preserved_and_pipeline(est):
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(10, 8)), rng.normal(size=(10, 8))
    out = clone(est).fit(X, Y).transform(X.astype(np.float32))
    assert out.dtype == np.float32
    # preprocessing before the transfer, fitted on the slave spectra
    pipe = make_pipeline(StandardNormalVariate(), clone(est)).fit(X, Y)
    assert pipe.transform(X).shape == (10, 8)


# ------------------------------------------------------------------ Kennard-Stone
def _kennard_stone_reference(X, n):
    """Textbook Kennard-Stone with explicit loops over candidates."""
    m = len(X)
    D = np.array(
        [[np.sqrt(np.sum((X[i] - X[j]) ** 2)) for j in range(m)] for i in range(m)]
    )
    best, pair = -1.0, None
    for i in range(m):
        for j in range(i + 1, m):
            if D[i, j] > best:
                best, pair = D[i, j], (i, j)
    chosen = list(pair)[:n]
    while len(chosen) < n:
        rest = [k for k in range(m) if k not in chosen]
        scores = [min(D[k, c] for c in chosen) for k in rest]
        chosen.append(rest[int(np.argmax(scores))])
    return chosen


def test_kennard_stone_starts_with_the_farthest_pair():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 0.5], [5.0, 5.0], [-3.0, -2.0]])
    idx = kennard_stone(X, 3)
    assert list(idx[:2]) == [3, 4]
    D = cdist(X, X)
    assert D[3, 4] == D.max()
    assert idx.dtype == np.intp and len(set(idx)) == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kennard_stone_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(35, 6))
    for n in [1, 2, 5, 20, 35]:
        assert list(kennard_stone(X, n)) == _kennard_stone_reference(X, n)[:n]


def test_kennard_stone_full_selection_is_a_permutation():
    X = np.random.default_rng(3).normal(size=(50, 4))
    assert sorted(kennard_stone(X, 50)) == list(range(50))


def test_kennard_stone_metrics():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 5)) * [1.0, 10.0, 1.0, 1.0, 1.0]
    # Mahalanobis = Euclidean on standardised, decorrelated coordinates
    Z = X - X.mean(0)
    L = np.linalg.cholesky(np.linalg.inv(np.cov(Z.T)))
    np.testing.assert_array_equal(
        kennard_stone(X, 10, metric="mahalanobis"), kennard_stone(Z @ L, 10)
    )
    for metric in ["cityblock", "chebyshev", "cosine", "correlation"]:
        idx = kennard_stone(X, 8, metric=metric)
        D = cdist(X, X, metric)
        assert D[idx[0], idx[1]] == pytest.approx(D.max())
        assert len(set(idx)) == 8


def test_kennard_stone_errors():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match=r"n_select=11 is out of range.*10 sample"):
        kennard_stone(X, 11)
    with pytest.raises(ValueError, match="n_select=0 is out of range"):
        kennard_stone(X, 0)
    with pytest.raises(ValueError, match="n_select must be an integer"):
        kennard_stone(X, 2.5)
    with pytest.raises(ValueError, match="metric='minkowski' is not supported"):
        kennard_stone(X, 3, metric="minkowski")
    with pytest.raises(ValueError, match="NaN"):
        kennard_stone(np.full((4, 2), np.nan), 2)
    assert list(kennard_stone(X[:1], 1)) == [0]


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def corn():
    home = get_data_home()
    path = home / "corn" / "corn.npz"
    if not path.is_file():
        pytest.skip(f"real data set corn not found under {home}: set SKLSPEC_DATA")
    return np.load(path)


@pytest.mark.realdata
@pytest.mark.parametrize("slave", ["X_mp5", "X_mp6"])
def test_pds_and_ds_on_corn(corn, slave):
    """20 Kennard-Stone transfer samples, m5 master: spectra far closer."""
    X_master = corn["X"].astype(np.float64)
    X_slave = corn[slave].astype(np.float64)
    sel = kennard_stone(X_master, 20)
    rest = np.setdiff1d(np.arange(len(X_master)), sel)

    def rms(a):
        return np.sqrt(np.mean((a - X_master[rest]) ** 2))

    before = rms(X_slave[rest])
    pds = PiecewiseDirectStandardization(window=3).fit(X_slave[sel], X_master[sel])
    after_pds = rms(pds.transform(X_slave[rest]))
    ds = DirectStandardization().fit(X_slave[sel], X_master[sel])
    after_ds = rms(ds.transform(X_slave[rest]))
    assert before / after_pds > 4, (before, after_pds)
    assert before / after_ds > 2, (before, after_ds)
