"""API tests shared by every preprocessing transformer.

Clone, pickle, fit_transform == fit().transform, pipelines and not-fitted errors
are covered by sklearn's checks in tests/test_common.py; these tests cover
the wavelength axis and the configured (non-default) transformers. The
docstring examples run under ``make test`` (``--doctest-modules sklspec``).
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklspec.preprocessing import (
    Detrend,
    MultiplicativeScatterCorrection,
    RangeCut,
    Resample,
    SavitzkyGolay,
    StandardNormalVariate,
)

pd = pytest.importorskip("pandas")

ESTIMATORS = [
    StandardNormalVariate(),
    MultiplicativeScatterCorrection(),
    SavitzkyGolay(window_length=7, polyorder=2, deriv=1),
    Detrend(order=2),
    RangeCut(start=1200, stop=1800),
    Resample(target_wavelengths=np.linspace(1100, 1900, 41)),
]
SHAPE_PRESERVING = ESTIMATORS[:4]
IDS = [type(e).__name__ for e in ESTIMATORS]


def _frame(X, w):
    return pd.DataFrame(X, columns=[format(v, "g") for v in w])


@pytest.mark.parametrize("est", SHAPE_PRESERVING, ids=IDS[:4])
def test_set_output_pandas_keeps_wavelength_names(est, spectra):
    X, w = spectra
    df = _frame(X, w)
    out = clone(est).set_output(transform="pandas").fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(df.columns)
    np.testing.assert_array_equal(out.index, df.index)


@pytest.mark.parametrize("est", ESTIMATORS, ids=IDS)
def test_wrong_wavelength_axis_raises(est, spectra):
    X, w = spectra
    fitted = clone(est).fit(_frame(X, w))
    with pytest.raises(ValueError, match="Wrong wavelength axis.*1005 to 2005"):
        fitted.transform(_frame(X, w + 5.0))


@pytest.mark.parametrize("est", ESTIMATORS, ids=IDS)
def test_input_validation_messages(est, spectra):
    X, w = spectra
    est = clone(est).set_params(
        **({"wavelengths": w} if "wavelengths" in est.get_params() else {})
    )
    bad = X.copy()
    bad[0, 3] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clone(est).fit(bad)
    bad[0, 3] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        clone(est).fit(bad)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        clone(est).fit(X[0])
    with pytest.raises(ValueError, match=r"0 sample\(s\)"):
        clone(est).fit(X[:0])
    fitted = clone(est).fit(X)
    with pytest.raises(ValueError, match="X has 100 features, but .* expecting 101"):
        fitted.transform(X[:, :100])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.transform(np.where(X > 2, np.nan, X))


def test_chained_pipeline_carries_the_axis(spectra):
    X, w = spectra
    pipe = make_pipeline(
        RangeCut(1100, 1900),
        Detrend(order=1),
        Resample(np.linspace(1200, 1800, 13)),
        StandardNormalVariate(),
    ).set_output(transform="pandas")
    out = pipe.fit_transform(_frame(X, w))
    assert list(out.columns) == [format(v, "g") for v in np.linspace(1200, 1800, 13)]
    np.testing.assert_array_equal(pipe[2].wavelengths_in_, w[10:91])
