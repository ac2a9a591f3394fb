"""plot_predicted_vs_measured: images against baselines, intervals, errors.

Baselines: tests/plotting/baseline/*.png; regenerate them with
``SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting`` (see
conftest.py).
"""

import numpy as np
import pytest

from sklspec.plotting import plot_predicted_vs_measured

rng = np.random.default_rng(0)
Y = rng.uniform(10, 20, 40)
PRED = Y + rng.normal(0, 0.8, 40)
INTERVALS = np.c_[PRED - 1.3, PRED + 1.3]


def test_with_intervals(check_image):
    ax = plot_predicted_vs_measured(Y, PRED, intervals=INTERVALS)
    inside = (Y >= INTERVALS[:, 0]) & (Y <= INTERVALS[:, 1])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0].endswith(f"inside the interval ({100 * inside.mean():.0f} %)")
    assert texts[1] == f"outside ({(~inside).sum()} of 40)"
    assert ax.get_xlim() == ax.get_ylim()
    check_image(ax, "predicted_vs_measured_intervals")


def test_without_intervals(check_image):
    ax = plot_predicted_vs_measured(Y, PRED)
    rmse = np.sqrt(np.mean((PRED - Y) ** 2))
    r2 = 1 - np.sum((PRED - Y) ** 2) / np.sum((Y - Y.mean()) ** 2)
    assert ax.get_legend().get_texts()[0].get_text() == f"RMSE {rmse:.3g}, R² {r2:.3f}"
    check_image(ax, "predicted_vs_measured")


def test_conformal_regressor_intervals():
    pytest.importorskip("mapie")
    from sklearn.cross_decomposition import PLSRegression

    from sklspec.conformal import ConformalRegressor
    from tests.plotting._data import regression

    X, y = regression(120)
    model = ConformalRegressor(PLSRegression(3), random_state=0).fit(X[:80], y[:80])
    intervals = model.predict_interval(X[80:])
    ax = plot_predicted_vs_measured(y[80:], model.predict(X[80:]), intervals=intervals)
    assert "inside the interval" in ax.get_legend().get_texts()[0].get_text()
    # one level of MAPIE's (n, 2, n_levels) is accepted as it is
    plot_predicted_vs_measured(Y, PRED, intervals=INTERVALS[:, :, None])


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((Y, PRED[:-1]), {}, "y_true has 40 values but y_pred has 39"),
        ((np.c_[Y, Y], PRED), {}, "plot one target column at a time"),
        ((Y, PRED), {"intervals": INTERVALS[:-1]}, r"shape \(n_samples, 2\)"),
        (
            (Y, PRED),
            {"intervals": np.stack([INTERVALS] * 3, axis=2)},
            r"several confidence levels: pass one, intervals\[:, :, k\]",
        ),
        ((Y, PRED), {"intervals": INTERVALS[:, ::-1]}, "lower bounds above"),
        (([], []), {}, "y_true is empty"),
    ],
)
def test_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_predicted_vs_measured(*args, **kwargs)
