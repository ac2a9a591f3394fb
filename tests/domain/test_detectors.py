"""Applicability-domain detectors: reference statistics, false-alarm rate, shifts."""

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.covariance import LedoitWolf
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline

from sklspec.datasets import make_spectra
from sklspec.domain import (
    EmbeddingDistanceDetector,
    EmbeddingPCADetector,
    PCAOutlierDetector,
    PLSOutlierDetector,
    ReconstructionErrorDetector,
)
from sklspec.embedders import MAEEmbedder, VAEEmbedder
from sklspec.preprocessing import SNV, CanonicalGrid
from sklspec.utils import get_data_home

SMALL_VAE = dict(latent_dim=4, hidden=(32,), max_epochs=30, lr=5e-3, random_state=0)


@pytest.fixture(scope="module")
def spectra():
    """500 calibration, 500 held-out in-distribution spectra, and the axis."""
    data = make_spectra(n_samples=1000, n_wavelengths=100, random_state=0)
    return data.X[:500], data.X[500:], data.wavelengths


def _band(wavelengths, height=0.03):
    return height * np.exp(-0.5 * ((wavelengths - 1800) / 15) ** 2)


def _detectors():
    return {
        "pca-t2": PCAOutlierDetector(10, statistic="t2", alpha=0.1, random_state=0),
        "pca-q": PCAOutlierDetector(10, statistic="q", alpha=0.1, random_state=0),
        "pca-combined": PCAOutlierDetector(10, alpha=0.1, random_state=0),
        "mahalanobis": EmbeddingDistanceDetector(
            PCA(10), method="mahalanobis", alpha=0.1, random_state=0
        ),
        "knn": EmbeddingDistanceDetector(PCA(10), method="knn", alpha=0.1),
    }


# --------------------------------------------------------- reference values
def test_pca_t2_and_q_against_numpy(spectra):
    X, X_new, _ = spectra
    k = 6
    ad = PCAOutlierDetector(k, statistic="t2", random_state=0).fit(X)
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    P = vt[:k].T
    lam = s[:k] ** 2 / (len(X) - 1)
    T = (X_new - mean) @ P
    t2 = np.sum(T**2 / lam, axis=1)
    q = np.sum(((X_new - mean) - T @ P.T) ** 2, axis=1)
    np.testing.assert_allclose(ad.hotelling_t2(X_new), t2, rtol=1e-8)
    np.testing.assert_allclose(ad.q_residuals(X_new), q, rtol=1e-8)
    np.testing.assert_allclose(ad.score_samples(X_new), -t2, rtol=1e-8)
    ad_q = PCAOutlierDetector(k, statistic="q", random_state=0).fit(X)
    np.testing.assert_allclose(ad_q.score_samples(X_new), -q, rtol=1e-8)
    np.testing.assert_allclose(ad.score_variance_, lam, rtol=1e-8)


def test_pls_t2_and_q_against_sklearn_pls():
    data = make_spectra(200, 80, task="regression", random_state=1)
    X, y = data.X, data.y
    ad = PLSOutlierDetector(4, statistic="q", random_state=0).fit(X, y)
    pls = PLSRegression(4, scale=False).fit(X, y)
    T_cal, T = pls.transform(X), pls.transform(X[:20])
    t2 = np.sum(T**2 / T_cal.var(axis=0, ddof=1), axis=1)
    q = np.sum((X[:20] - pls.inverse_transform(T)) ** 2, axis=1)
    np.testing.assert_allclose(ad.hotelling_t2(X[:20]), t2, rtol=1e-6)
    np.testing.assert_allclose(ad.q_residuals(X[:20]), q, rtol=1e-6)
    np.testing.assert_allclose(ad.score_samples(X[:20]), -q, rtol=1e-6)
    assert np.all(ad.fit_predict(X, y) == ad.predict(X))


def test_combined_is_dd_simca_total_distance(spectra):
    X, X_new, _ = spectra
    ad = PCAOutlierDetector(8, random_state=0).fit(X)
    t2, q = ad.hotelling_t2(X_new), ad.q_residuals(X_new)
    f = ad.t2_dof_ * t2 / ad.t2_scale_ + ad.q_dof_ * q / ad.q_scale_
    np.testing.assert_allclose(-ad.score_samples(X_new), f)
    assert ad.t2_dof_ >= 1 and ad.q_dof_ >= 1


def test_mahalanobis_against_numpy(spectra):
    X, X_new, _ = spectra
    Z, Z_new = X[:, ::10], X_new[:, ::10]
    ad = EmbeddingDistanceDetector(method="mahalanobis", random_state=0).fit(Z)
    lw = LedoitWolf().fit(Z)
    d = Z_new - lw.location_
    d2 = np.einsum("ij,jk,ik->i", d, np.linalg.inv(lw.covariance_), d)
    np.testing.assert_allclose(ad.score_samples(Z_new), -d2, rtol=1e-6)


def test_knn_calibration_scores_leave_the_spectrum_out(spectra):
    X, X_new, _ = spectra
    Z, Z_new = X[:100, ::10], X_new[:30, ::10]
    ad = EmbeddingDistanceDetector(method="knn", n_neighbors=3).fit(Z)
    D = np.linalg.norm(Z[:, None, :] - Z[None, :, :], axis=2)
    np.fill_diagonal(D, np.inf)
    expected = np.sort(D, axis=1)[:, :3].mean(axis=1)
    np.testing.assert_allclose(ad.calibration_scores_, expected, rtol=1e-8)
    D_new = np.linalg.norm(Z_new[:, None, :] - Z[None, :, :], axis=2)
    np.testing.assert_allclose(
        ad.score_samples(Z_new), -np.sort(D_new, axis=1)[:, :3].mean(axis=1)
    )


def test_threshold_offset_and_decision(spectra):
    X, X_new, _ = spectra
    for ad in _detectors().values():
        ad.fit(X)
        assert ad.threshold_ == pytest.approx(np.quantile(ad.calibration_scores_, 0.9))
        assert ad.offset_ == -ad.threshold_
        np.testing.assert_allclose(
            ad.decision_function(X_new), ad.score_samples(X_new) + ad.threshold_
        )
        assert set(np.unique(ad.predict(X_new))) <= {-1, 1}
        assert np.all((ad.decision_function(X_new) >= 0) == (ad.predict(X_new) == 1))


# ------------------------------------------------ false alarms and shifts
@pytest.mark.parametrize("name", list(_detectors()))
def test_false_alarm_rate_near_alpha(spectra, name):
    X, X_new, _ = spectra
    ad = _detectors()[name].fit(X)
    rate = np.mean(ad.predict(X_new) == -1)
    assert 0.05 <= rate <= 0.15, rate


def test_in_sample_q_would_be_optimistic(spectra):
    """The threshold from in-sample Q flags more than alpha of new spectra."""
    X, X_new, _ = spectra
    ad = PCAOutlierDetector(10, statistic="q", alpha=0.1, random_state=0).fit(X)
    in_sample = np.quantile(ad.q_residuals(X), 0.9)
    assert in_sample < ad.threshold_
    assert np.mean(ad.q_residuals(X_new) > in_sample) > 0.1


@pytest.mark.parametrize(
    "name, shift",
    [
        ("pca-q", "band"),
        ("pca-combined", "band"),
        ("pca-t2", "offset"),
        ("mahalanobis", "offset"),
        ("knn", "offset"),
    ],
)
def test_shifted_spectra_are_flagged(spectra, name, shift):
    X, X_new, wavelengths = spectra
    X_shift = X_new + (_band(wavelengths) if shift == "band" else 0.2)
    ad = _detectors()[name].fit(X)
    assert np.mean(ad.predict(X_shift) == -1) > 0.85
    y = np.r_[np.ones(len(X_new)), np.zeros(len(X_shift))]
    auc = roc_auc_score(y, np.r_[ad.score_samples(X_new), ad.score_samples(X_shift)])
    assert auc > 0.9


def test_reconstruction_error_of_a_frozen_vae(spectra):
    X, X_new, wavelengths = spectra
    vae = VAEEmbedder(**SMALL_VAE).fit(X[:250])
    ad = ReconstructionErrorDetector(FrozenEstimator(vae), alpha=0.1).fit(X[250:])
    assert ad.embedder_.estimator is vae
    np.testing.assert_allclose(
        ad.score_samples(X_new), -vae.reconstruction_error(X_new)
    )
    np.testing.assert_allclose(
        ad.calibration_scores_, vae.reconstruction_error(X[250:])
    )
    rate = np.mean(ad.predict(X_new) == -1)
    assert 0.05 <= rate <= 0.15, rate
    # five times the usual multiplicative scatter (the VAE reconstructs an
    # added offset well: its decoder learned the additive baselines)
    assert np.mean(ad.predict(X_new * 1.5) == -1) > 0.85


def test_reconstruction_error_cross_validated_when_trained_here(spectra):
    X, X_new, _ = spectra
    params = dict(SMALL_VAE, max_epochs=10)
    ad = ReconstructionErrorDetector(VAEEmbedder(**params), cv=2, random_state=0)
    ad.fit(X[:200])
    in_sample = ad.embedder_.reconstruction_error(X[:200])
    # each calibration spectrum was scored by a VAE that did not train on it
    assert not np.allclose(ad.calibration_scores_, in_sample)
    np.testing.assert_allclose(
        ad.score_samples(X_new), -ad.embedder_.reconstruction_error(X_new)
    )


def test_reconstruction_error_of_an_mae_is_reproducible():
    from sklspec.embedders import MAEEmbedder

    X = make_spectra(60, 32, random_state=0).X
    mae = MAEEmbedder(
        patch_size=8, embed_dim=8, depth=1, num_heads=1, decoder_dim=8, max_epochs=1
    ).fit(X)
    ad = ReconstructionErrorDetector(FrozenEstimator(mae), random_state=0).fit(X)
    np.testing.assert_array_equal(ad.score_samples(X[:5]), ad.score_samples(X[:5]))
    ad = ReconstructionErrorDetector(
        FrozenEstimator(mae), error_params={"n_repeats": 2}, random_state=0
    ).fit(X)
    assert ad.score_samples(X[:5]).shape == (5,)


# ---------------------------------------------------------------- pipelines
def test_detector_after_a_frozen_embedder_in_a_pipeline(spectra):
    X, X_new, _ = spectra
    emb = make_pipeline(SNV(), VAEEmbedder(**dict(SMALL_VAE, max_epochs=5))).fit(X)
    vae = emb[-1]
    pipe = Pipeline(
        [
            ("snv", SNV()),
            ("emb", FrozenEstimator(vae)),
            ("ad", EmbeddingDistanceDetector(random_state=0)),
        ]
    ).fit(X)
    labels = pipe.predict(X_new)
    assert labels.shape == (len(X_new),) and set(labels) <= {-1, 1}
    beside = EmbeddingDistanceDetector(
        make_pipeline(SNV(), FrozenEstimator(vae)), random_state=0
    ).fit(X)
    np.testing.assert_allclose(pipe.score_samples(X_new), beside.score_samples(X_new))
    np.testing.assert_allclose(
        pipe.decision_function(X_new), beside.decision_function(X_new)
    )
    assert beside.transformer_.steps[1][1].estimator is vae


def test_unfitted_transformer_is_cloned_and_fitted(spectra):
    X, _, _ = spectra
    pca = PCA(3)
    ad = EmbeddingDistanceDetector(pca).fit(X)
    assert not hasattr(pca, "components_")
    assert ad.transformer_.components_.shape == (3, X.shape[1])


# ------------------------------------------------------------------ errors
def test_too_many_components():
    X = make_spectra(20, 30, random_state=0).X
    with pytest.raises(ValueError, match="n_components=30 must be smaller.*n_features"):
        PCAOutlierDetector(30).fit(X)
    with pytest.raises(ValueError, match="n_components=18 is too many for 20"):
        PCAOutlierDetector(18).fit(X)
    with pytest.raises(ValueError, match="exceeds the number of spectral points"):
        PCAOutlierDetector(31, statistic="t2").fit(X)


def test_too_few_calibration_spectra():
    X = make_spectra(4, 30, random_state=0).X
    with pytest.raises(ValueError, match="at least 5 calibration spectra.*= 4"):
        PCAOutlierDetector(1).fit(X)
    with pytest.raises(
        ValueError, match="at least 6 calibration spectra.*n_neighbors=5"
    ):
        EmbeddingDistanceDetector(method="knn").fit(X)
    with pytest.raises(ValueError, match="at least 5 calibration spectra"):
        EmbeddingDistanceDetector().fit(X)


def test_warns_when_alpha_is_below_one_spectrum():
    X = make_spectra(30, 30, random_state=0).X
    with pytest.warns(UserWarning, match="false-alarm rate is not controlled"):
        PCAOutlierDetector(2, alpha=0.01).fit(X)


@pytest.mark.parametrize(
    "ad",
    [
        PCAOutlierDetector(2),
        EmbeddingDistanceDetector(),
        EmbeddingDistanceDetector(PCA(2)),
        ReconstructionErrorDetector(VAEEmbedder(**dict(SMALL_VAE, max_epochs=1))),
    ],
    ids=["pca", "distance", "distance-pca", "reconstruction"],
)
def test_nan_is_refused(ad):
    X = make_spectra(40, 30, random_state=0).X
    X_nan = X.copy()
    X_nan[3, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ad.fit(X_nan)
    ad.fit(X)
    with pytest.raises(ValueError, match="NaN"):
        ad.predict(X_nan)


def test_invalid_parameters():
    X = make_spectra(40, 30, random_state=0).X
    with pytest.raises(ValueError, match="alpha"):
        PCAOutlierDetector(alpha=1.5).fit(X)
    with pytest.raises(ValueError, match="statistic"):
        PCAOutlierDetector(statistic="dmodx").fit(X)
    with pytest.raises(ValueError, match="method"):
        EmbeddingDistanceDetector(method="lof").fit(X)
    with pytest.raises(ValueError, match="embedder"):
        ReconstructionErrorDetector(PCA(2)).fit(X)


# ------------------------------------------------- T² and Q on an embedding
def test_embedding_pca_without_scaling_is_pca_detector(spectra):
    X, X_new, _ = spectra
    kw = dict(n_components=6, random_state=0)
    for stat in ("t2", "q", "combined"):
        ref = PCAOutlierDetector(statistic=stat, **kw).fit(X)
        ad = EmbeddingPCADetector(
            statistic=stat, scale=False, side_features=None, **kw
        ).fit(X)
        np.testing.assert_allclose(ad.score_samples(X_new), ref.score_samples(X_new))
        np.testing.assert_allclose(ad.calibration_scores_, ref.calibration_scores_)
        assert ad.threshold_ == pytest.approx(ref.threshold_)


def test_embedding_pca_blocks_against_numpy(spectra):
    """Autoscaling, then each block divided by the root of its total variance."""
    X, X_new, _ = spectra
    Z, Z_new = X[:, ::5], X_new[:, ::5]  # 20 columns
    side = np.array([3, 11])
    ad = EmbeddingPCADetector(n_components=4, side_features=side, random_state=0)
    ad = ad.fit(Z)
    mean, std = Z.mean(axis=0), Z.std(axis=0, ddof=1)
    w = 1 / std
    rest = np.setdiff1d(np.arange(20), side)
    w[rest] /= np.sqrt(len(rest))  # autoscaled: total variance = width
    w[side] /= np.sqrt(len(side))
    A = (Z - mean) * w
    _, s, vt = np.linalg.svd(A, full_matrices=False)
    P, lam = vt[:4].T, s[:4] ** 2 / (len(Z) - 1)
    A_new = (Z_new - mean) * w
    T = A_new @ P
    np.testing.assert_allclose(ad.hotelling_t2(Z_new), np.sum(T**2 / lam, axis=1))
    np.testing.assert_allclose(
        ad.q_residuals(Z_new), np.sum((A_new - T @ P.T) ** 2, axis=1), rtol=1e-8
    )
    np.testing.assert_array_equal(ad.side_features_, side)


def test_side_features_found_automatically():
    X = make_spectra(60, 50, random_state=0).X
    ad = EmbeddingPCADetector(CanonicalGrid(n_points=20), n_components=3).fit(X)
    np.testing.assert_array_equal(ad.side_features_, [20, 21, 22, 23])
    mae = MAEEmbedder(
        patch_size=8, embed_dim=16, depth=1, num_heads=2, decoder_dim=16,
        decoder_heads=2, max_epochs=1, grid=16, random_state=0,
    ).fit(X)  # fmt: skip
    n_out = mae.transform(X[:1]).shape[1]
    for transformer in (FrozenEstimator(mae), make_pipeline(FrozenEstimator(mae))):
        ad = EmbeddingPCADetector(transformer, n_components=3).fit(X)
        np.testing.assert_array_equal(ad.side_features_, np.arange(n_out - 4, n_out))
    no_grid = VAEEmbedder(**dict(SMALL_VAE, max_epochs=1)).fit(X)
    ad = EmbeddingPCADetector(FrozenEstimator(no_grid), n_components=3).fit(X)
    assert ad.side_features_.size == 0
    ad = EmbeddingPCADetector(
        CanonicalGrid(n_points=20), n_components=3, side_features=None
    ).fit(X)
    assert ad.side_features_.size == 0 and ad.model_.blocks is None


def _coupled(n, rng, sign=1.0):
    """Embeddings whose band-shape part follows the intensity (side) columns."""
    level = rng.uniform(1, 2, size=n) * rng.choice([-1, 1], size=n)
    shape = rng.normal(size=(n, 10)) * 0.3
    shape[:, :5] += sign * level[:, None]
    side = np.column_stack([level, rng.normal(size=n)])
    return np.hstack([shape, side])


def test_joint_shape_intensity_shift_is_flagged():
    """Each block looks normal on its own; only their relation has changed."""
    rng = np.random.default_rng(0)
    Z, Z_new, Z_shift = _coupled(400, rng), _coupled(200, rng), _coupled(200, rng, -1)
    y = np.r_[np.ones(200), np.zeros(200)]
    aucs, flagged = {}, {}
    for label, side in (("block", np.array([10, 11])), ("one block", None)):
        # the broken relation lies off the calibration plane: Q sees it
        ad = EmbeddingPCADetector(
            n_components=4, statistic="q", side_features=side, alpha=0.1,
            random_state=0,
        ).fit(Z)  # fmt: skip
        scores = np.r_[ad.score_samples(Z_new), ad.score_samples(Z_shift)]
        aucs[label] = roc_auc_score(y, scores)
        flagged[label] = np.mean(ad.predict(Z_shift) == -1)
        assert np.mean(ad.predict(Z_new) == -1) < 0.2
    assert aucs["block"] > 0.95 and flagged["block"] > 0.8, (aucs, flagged)
    # two intensity columns among ten shape columns weigh less without the block
    assert aucs["block"] > aucs["one block"] + 0.1, aucs


def test_intensity_block_is_not_drowned():
    """An intensity change (the grid's offset/scale only) weighs as a block."""
    data = make_spectra(600, 100, random_state=0)
    X, X_new = data.X[:400], data.X[400:]
    grid = CanonicalGrid(n_points=64)
    y = np.r_[np.ones(200), np.zeros(200)]
    aucs = {}
    for label, side in (("block", "auto"), ("one block", None)):
        ad = EmbeddingPCADetector(
            grid, n_components=5, statistic="t2", side_features=side, random_state=0
        ).fit(X)
        scores = np.r_[ad.score_samples(X_new), ad.score_samples(X_new * 1.5)]
        aucs[label] = roc_auc_score(y, scores)
    assert aucs["block"] > 0.9, aucs
    assert aucs["block"] > aucs["one block"] + 0.1, aucs


def test_embedding_pca_refuses_bad_side_features(spectra):
    X = spectra[0][:50, ::10]
    with pytest.raises(ValueError, match="outside the embedding's 10 columns"):
        EmbeddingPCADetector(n_components=2, side_features=[3, 10]).fit(X)
    with pytest.raises(ValueError, match="1-d array of column indices"):
        EmbeddingPCADetector(n_components=2, side_features=[0.5]).fit(X)
    with pytest.raises(ValueError, match="side_features"):
        EmbeddingPCADetector(n_components=2, side_features="offset").fit(X)


# ------------------------------------------------ parametric control limits
def test_parametric_limits_against_formulas(spectra):
    X, _, _ = spectra
    n, k, alpha = len(X), 6, 0.05
    ad = PCAOutlierDetector(k, threshold="parametric", alpha=alpha).fit(X)
    f = stats.f.ppf(1 - alpha, k, n - k) * k * (n - 1) * (n + 1) / (n * (n - k))
    assert ad.t2_limit_ == pytest.approx(f)
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    lam = s[k:] ** 2 / (n - 1)
    t1, t2, t3 = (np.sum(lam**i) for i in (1, 2, 3))
    h0 = 1 - 2 * t1 * t3 / (3 * t2**2)
    c = stats.norm.ppf(1 - alpha)
    q = t1 * (c * np.sqrt(2 * t2 * h0**2) / t1 + 1 + t2 * h0 * (h0 - 1) / t1**2) ** (
        1 / h0
    )
    assert ad.q_limit_ == pytest.approx(q, rel=1e-6)
    assert ad.threshold_ == pytest.approx(
        stats.chi2.ppf(1 - alpha, ad.t2_dof_ + ad.q_dof_)
    )
    for stat, limit in (("t2", f), ("q", q)):
        one = PCAOutlierDetector(k, statistic=stat, threshold="parametric").fit(X)
        assert one.threshold_ == pytest.approx(limit, rel=1e-6)
        assert one.offset_ == -one.threshold_


@pytest.mark.parametrize("stat", ["t2", "q", "combined"])
def test_parametric_false_alarm_rate_on_normal_data(stat):
    """On multivariate normal data the F / Jackson-Mudholkar limits hold alpha."""
    rng = np.random.default_rng(0)
    loadings = rng.normal(size=(5, 60))

    def draw(n):
        return rng.normal(size=(n, 5)) * [5, 4, 3, 2, 1] @ loadings + rng.normal(
            scale=0.1 * (1 + np.arange(60) / 60), size=(n, 60)
        )

    ad = PCAOutlierDetector(
        5, statistic=stat, threshold="parametric", alpha=0.05, random_state=0
    ).fit(draw(2000))
    rate = np.mean(ad.predict(draw(5000)) == -1)
    assert 0.035 <= rate <= 0.07, rate


def test_parametric_threshold_on_pls_and_invalid():
    data = make_spectra(200, 80, task="regression", random_state=1)
    ad = PLSOutlierDetector(4, threshold="parametric").fit(data.X, data.y)
    assert np.isfinite(ad.t2_limit_) and ad.q_limit_ > 0
    with pytest.raises(ValueError, match="threshold"):
        PCAOutlierDetector(threshold="jackson").fit(data.X)


# --------------------------------------------------------------- real data
def _real_shifts():
    home = get_data_home()
    found = {}
    path = home / "shootout2002_tablets" / "shootout2002_tablets.npz"
    if path.is_file():
        z = np.load(path)
        split = z["split"]
        X1, X2 = z["X"].astype(np.float64), z["X_inst2"].astype(np.float64)
        found["shootout2002 inst2 vs inst1"] = (
            X1[split == "calibrate"],
            X1[split == "test"],
            X2[split == "test"],
            10,
        )
    path = home / "corn" / "corn.npz"
    if path.is_file():
        z = np.load(path)
        X, X6 = z["X"].astype(np.float64), z["X_mp6"].astype(np.float64)
        idx = np.random.default_rng(0).permutation(len(X))
        cal, new = idx[:40], idx[40:]
        found["corn mp6 vs m5"] = (X[cal], X[new], X6[new], 5)
    if not found:
        pytest.skip(
            f"neither shootout2002_tablets nor corn found under {home}: set "
            "SKLSPEC_DATA to the data folder (see ../shared/data/README.md)"
        )
    return found


#: the rows of the AUROC table of docs/user_guide/domain.rst, by detector label
_DOC_ROWS = {
    "PCA T²": "PCA t2",
    "PCA Q": "PCA q",
    "PCA combined": "PCA combined",
    "PCA scores + Mahalanobis": "PCA+Mahalanobis",
    "PCA scores + k-NN": "PCA+kNN",
    "VAE reconstruction error": "VAE reconstruction",
}


def _documented_aurocs() -> dict[str, float]:
    """The shoot-out AUROCs the user guide's domain page shows."""
    page = Path(__file__).resolve().parents[2] / "docs/user_guide/domain.rst"
    shown = {}
    for line in page.read_text(encoding="utf-8").splitlines():
        for start, label in _DOC_ROWS.items():
            if line.startswith(start + " ") and re.search(r"\d\.\d\d$", line):
                shown[label] = float(line.split()[-1])
    assert len(shown) == len(_DOC_ROWS), f"the AUROC table of {page} changed form"
    return shown


@pytest.mark.realdata
@pytest.mark.slow
def test_other_instrument_is_detected_on_real_data():
    rows = []
    for name, (X_cal, X_in, X_out, k) in _real_shifts().items():
        detectors = {
            f"PCA {s}": PCAOutlierDetector(k, statistic=s, alpha=0.1, random_state=0)
            for s in ("t2", "q", "combined")
        }
        detectors["PCA+Mahalanobis"] = EmbeddingDistanceDetector(
            PCA(k), alpha=0.1, random_state=0
        )
        detectors["PCA+kNN"] = EmbeddingDistanceDetector(
            PCA(k), method="knn", n_neighbors=3, alpha=0.1
        )
        detectors["VAE reconstruction"] = ReconstructionErrorDetector(
            VAEEmbedder(latent_dim=8, hidden=(64,), max_epochs=30, random_state=0),
            cv=3,
            alpha=0.1,
            random_state=0,
        )
        y = np.r_[np.ones(len(X_in)), np.zeros(len(X_out))]
        aucs = {}
        for label, ad in detectors.items():
            ad.fit(X_cal)
            scores = np.r_[ad.score_samples(X_in), ad.score_samples(X_out)]
            aucs[label] = roc_auc_score(y, scores)
            rows.append(
                f"{name:28s} {label:20s} AUROC={aucs[label]:.3f} "
                f"false alarms={np.mean(ad.predict(X_in) == -1):.3f} "
                f"flagged={np.mean(ad.predict(X_out) == -1):.3f}"
            )
        assert aucs["PCA q"] > 0.7, (name, aucs)
        assert aucs["PCA combined"] > 0.7, (name, aucs)
        assert aucs["VAE reconstruction"] > 0.7, (name, aucs)
        # the figures the user guide shows (within one unit of their last digit)
        if name.startswith("shootout"):
            for label, auc in _documented_aurocs().items():
                assert abs(aucs[label] - auc) <= 0.0100001, (label, aucs[label], auc)
        else:  # "every one of them reaches 0.99-1.00"
            assert min(aucs.values()) >= 0.985, (name, aucs)
    print("\n" + "\n".join(rows))
