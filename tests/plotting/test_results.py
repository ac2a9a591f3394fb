"""plot_leaderboard and plot_label_fraction_curve: images against baselines,
every accepted input, errors.

The results are built from fixed numbers (no model is fitted). Baselines:
tests/plotting/baseline/*.png; regenerate them with
``SKLSPEC_UPDATE_BASELINES=1 python -m pytest tests/plotting`` (see
conftest.py).
"""

import numpy as np
import pytest

from sklspec.evaluation import ComparisonResult, LabelFractionResult
from sklspec.plotting import plot_label_fraction_curve, plot_leaderboard


def _comparison(task="classification"):
    folds = {
        "PLS-DA": [0.80, 0.85, 0.78],
        "SVM": [0.70, 0.75, 0.72],
        "kNN": [0.55, 0.65, 0.60],
        "Broken": [np.nan, np.nan, np.nan],
    }
    times = {"fit_time": [0.1] * 3, "score_time": [0.01] * 3}
    if task == "classification":
        scores = {n: {"accuracy": v, **times} for n, v in folds.items()}
        return ComparisonResult(
            scores,
            ["accuracy"],
            {"accuracy": "max"},
            errors={"Broken": "ValueError: no"},
            n_splits=3,
        )
    scores = {
        n: {"r2": v, "rmse": 1 - np.asarray(v), **times} for n, v in folds.items()
    }
    return ComparisonResult(
        scores,
        ["r2", "rmse"],
        {"r2": "max", "rmse": "min"},
        errors={"Broken": "ValueError: no"},
        task="regression",
        n_splits=3,
    )


def _curve():
    fractions = [0.05, 0.1, 0.2, 0.5]
    scores = {
        # rows: fractions, columns: repeats
        "MiniRocket": [
            [0.40, 0.45, 0.42],
            [0.55, 0.50, 0.60],
            [0.70, 0.72, 0.66],
            [0.85, 0.84, 0.86],
        ],
        "PLS-DA": [
            [0.45, 0.35, 0.40],
            [0.50, 0.52, 0.48],
            [0.60, 0.65, 0.62],
            [0.75, 0.78, 0.74],
        ],
        "Broken": [[np.nan] * 3] * 4,
    }
    return LabelFractionResult(
        scores,
        fractions,
        [6, 12, 24, 60],
        "accuracy",
        errors={"Broken": "ValueError: no"},
    )


def test_leaderboard(check_image):
    ax = plot_leaderboard(_comparison(), chance=1 / 3)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Broken", "kNN", "SVM", "PLS-DA"]  # best on top
    assert ax.get_legend().get_texts()[0].get_text() == "chance level (0.33)"
    assert "failed" in [t.get_text().strip() for t in ax.texts]
    assert ax.get_xlabel() == "accuracy (mean ± sd over 3 folds; higher is better)"
    check_image(ax, "leaderboard")


def _bars(ax):
    return [(round(p.get_width(), 9), round(p.get_y(), 9)) for p in ax.patches]


def test_leaderboard_from_frame_and_dict_match_the_result():
    pytest.importorskip("pandas")
    result = _comparison()
    expected = _bars(plot_leaderboard(result))
    assert _bars(plot_leaderboard(result.to_frame())) == expected
    assert _bars(plot_leaderboard(result.to_dict())) == expected


def test_leaderboard_of_an_error_metric_ranks_the_lowest_first():
    ax = plot_leaderboard(_comparison("regression"), metric="rmse", chance=0.5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "PLS-DA" and labels[0] == "Broken"
    assert "lower is better" in ax.get_xlabel()
    assert ax.get_legend().get_texts()[0].get_text() == "mean predictor (0.50)"


@pytest.mark.parametrize(
    "results, kwargs, error, match",
    [
        ("table", {}, TypeError, "results must be the ComparisonResult"),
        ({"kind": "label_fraction_curve"}, {}, ValueError, "ComparisonResult.to_dict"),
        (None, {"metric": "f1"}, ValueError, "metric 'f1' is not in the results"),
        (None, {"chance": "1/3"}, TypeError, "chance must be a number"),
        (None, {"chance": np.nan}, ValueError, "chance must be finite"),
    ],
)
def test_leaderboard_errors(results, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_leaderboard(_comparison() if results is None else results, **kwargs)


def test_label_fraction_curve(check_image):
    ax = plot_label_fraction_curve(_curve(), chance=1 / 3)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["MiniRocket", "PLS-DA", "chance level (0.33)"]  # no Broken
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "5%\n(n=6)"
    assert ax.get_ylabel() == "accuracy (mean ± sd over 3 repeats)"
    mean = np.mean(_curve().scores_["MiniRocket"], axis=1)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), mean)
    check_image(ax, "label_fraction_curve")


def test_label_fraction_curve_from_frame_and_dict():
    pytest.importorskip("pandas")
    curve = _curve()
    expected = [
        line.get_ydata().tolist() for line in plot_label_fraction_curve(curve).lines
    ]
    for other in (curve.to_frame(), curve.to_dict()):
        ax = plot_label_fraction_curve(other, xlabel="labels (%)")
        np.testing.assert_allclose([line.get_ydata() for line in ax.lines], expected)
        assert ax.get_xlabel() == "labels (%)"


def test_label_fraction_curve_errors():
    with pytest.raises(TypeError, match="curve must be the LabelFractionResult"):
        plot_label_fraction_curve([0.5, 0.6])
    with pytest.raises(ValueError, match="LabelFractionResult.to_dict"):
        plot_label_fraction_curve({"kind": "comparison"})
    failed = LabelFractionResult({"A": [[np.nan]]}, [0.1], [3], "accuracy")
    with pytest.raises(ValueError, match="no model with a finite score"):
        plot_label_fraction_curve(failed)
