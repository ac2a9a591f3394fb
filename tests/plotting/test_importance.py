"""band_importance and plot_band_importance: images against baselines, the
vectorised permutation against a plain loop, saliency against a network whose
gradient is known, errors.

Baselines: tests/plotting/baseline/*.png; regenerate them with
``SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting`` (see
conftest.py).
"""

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.cross_decomposition import PLSRegression
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklspec.plotting import band_importance, plot_band_importance
from tests.plotting._data import WAVELENGTHS, bands, regression

X, Y = regression()
PLS = PLSRegression(n_components=3).fit(X, Y)
#: The weights of the linear network below: a band at 1450 nm, a dip at 2100.
WEIGHTS = bands([1450, 2100], [40, 60], [1.0, -0.5])


class LinearNet(RegressorMixin, BaseEstimator):
    """A fitted 'network' y = 2 (w . x): its input gradient is 2 w exactly
    (w: WEIGHTS, resampled to the width of X)."""

    def fit(self, X, y=None):
        n = X.shape[1]
        w = np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(WEIGHTS)), WEIGHTS)
        self.module_ = torch.nn.Linear(n, 1, bias=False)
        with torch.no_grad():
            self.module_.weight.copy_(torch.as_tensor(w[None, :]))
        self.y_scale_ = np.array([2.0])
        return self

    def predict(self, X):
        with torch.no_grad():
            out = self.module_(torch.as_tensor(np.asarray(X, dtype=np.float32)))
        return 2 * out.numpy()[:, 0]


def test_permutation_bands_on_the_wavelength_axis(check_image):
    ax = plot_band_importance(
        PLS, X, Y, wavelengths=WAVELENGTHS, unit="nm", n_bands=10, random_state=0
    )
    assert ax.get_xlabel() == "Wavelength (nm)"
    assert ax.get_ylabel() == "importance (drop in r2)"
    heights = [p.get_height() for p in ax.patches]
    # the target is the band at 1450 nm: its band (1300-1450 nm) matters most
    left = ax.patches[int(np.argmax(heights))].get_x()
    assert 1300 <= left < 1450 + 1e-9
    check_image(ax, "band_importance_permutation")


def test_vectorised_permutation_equals_a_loop_of_scorer_calls():
    fast = band_importance(PLS, X, Y, n_bands=8, n_repeats=3, random_state=0)
    slow = band_importance(
        PLS, X, Y, n_bands=8, n_repeats=3, scoring="r2", random_state=0
    )
    np.testing.assert_allclose(fast.importances, slow.importances, atol=1e-12)
    assert fast.bands.tolist()[:2] == [[0, 10], [10, 20]]
    assert fast.baseline_score == pytest.approx(PLS.score(X, Y))


def test_permutation_keeps_a_dataframe_for_the_pipeline(recwarn):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=[f"{w:g}" for w in WAVELENGTHS])
    model = make_pipeline(PLSRegression(3)).fit(frame, Y)
    ax = plot_band_importance(model, frame, Y, n_bands=5, random_state=0)
    assert ax.get_xlabel() == "Spectral axis"  # read from the column names
    assert not [w for w in recwarn if "feature names" in str(w.message)]


def test_saliency_is_the_input_gradient(check_image):
    net = LinearNet().fit(X)
    result = band_importance(net, X, method="saliency")
    np.testing.assert_allclose(result.importances_mean, 2 * np.abs(WEIGHTS), rtol=1e-6)
    ax = plot_band_importance(
        net, X, method="saliency", wavelengths=WAVELENGTHS, unit="nm"
    )
    np.testing.assert_allclose(ax.lines[0].get_xdata(), WAVELENGTHS)
    check_image(ax, "band_importance_saliency")


def test_saliency_of_a_fine_tuned_pipeline():
    from sklspec.embedders import TransformRecogEmbedder
    from sklspec.finetune import FineTunedClassifier
    from sklspec.preprocessing import SNV, Resample

    y = (Y > 0.5).astype(int)
    emb = TransformRecogEmbedder(max_epochs=1, channels=(4, 8, 8), random_state=0)
    model = make_pipeline(
        Resample(target_wavelengths=40, wavelengths=WAVELENGTHS),
        SNV(),
        FineTunedClassifier(emb, max_epochs=1, random_state=0),
    ).fit(X, y)
    result = band_importance(model, X, y, method="saliency")
    assert result.importances.shape == (len(X), 40)
    assert np.all(np.isfinite(result.importances) & (result.importances >= 0))
    assert result.importances.max() > 0
    # the resampled axis comes from the steps' feature names
    np.testing.assert_allclose(result.axis, np.linspace(1000, 2500, 40))
    ax = plot_band_importance(model, X, y, method="saliency", show_spectrum=False)
    assert ax.lines[0].get_xdata()[-1] == pytest.approx(2500)
    with pytest.raises(ValueError, match="classes the model was not fitted on"):
        band_importance(model, X, y + 5, method="saliency")


@pytest.mark.parametrize(
    "estimator, kwargs, error, match",
    [
        (PLS, {"method": "saliency"}, TypeError, "method='permutation' works for any"),
        (PLS, {"method": "shap"}, ValueError, "'permutation', 'saliency'"),
        (PLS, {"n_bands": 81}, ValueError, "between 1 and the number of spectral"),
        (PLS, {"n_bands": 2.5}, TypeError, "n_bands must be an int"),
        (PLS, {"n_repeats": 0}, ValueError, "n_repeats must be an int >= 1"),
        (PLS, {"y": None}, ValueError, "needs y to score the model"),
        (PLS, {"y": Y[:10]}, ValueError, "y has 10 values but X has 60 spectra"),
        (PLSRegression(), {}, NotFittedError, "not fitted"),
    ],
)
def test_band_importance_errors(estimator, kwargs, error, match):
    args = {"y": Y, **kwargs}
    y = args.pop("y")
    with pytest.raises(error, match=match):
        plot_band_importance(estimator, X, y, **args)


def test_saliency_axis_that_cannot_be_placed():
    class Shrink(BaseEstimator):  # drops points and names no axis
        def fit(self, X, y=None):
            self.n_features_in_ = X.shape[1]
            return self

        def transform(self, X):
            return np.asarray(X)[:, ::2]

    net = LinearNet().fit(X[:, ::2])
    model = make_pipeline(Shrink(), net).fit(X, Y)
    with pytest.raises(ValueError, match=r"change the number of points \(80 -> 40\)"):
        plot_band_importance(model, X, Y, method="saliency")
