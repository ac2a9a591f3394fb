"""Tests of ``sklspec demo``: the demo scene, the chance level, the curve."""

import csv
import json

import numpy as np
import pytest

from sklspec import cli
from sklspec.cli import main


def _demo(tmp_path, *extra):
    args = [
        "demo",
        "--n-samples",
        "45",
        "--n-unlabeled",
        "0",
        "--models",
        "PLS-DA",
        "kNN",
        "--cv",
        "3",
        "--no-domain",
        "--output",
        str(tmp_path),
        *extra,
    ]
    return main(args)


def test_demo_writes_the_chance_level_and_the_label_fraction_curve(tmp_path, capsys):
    assert _demo(tmp_path, "--curve-models", "PLS-DA", "--curve-cv", "2") == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "chance level (majority-class rate): accuracy 0.333" in out
    assert "label-fraction curve (PLS-DA)" in out and "100% (n=22)" in out
    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["data"].startswith("make_demo_scene(random_state=0): 45 labelled")
    assert payload["chance_level"]["accuracy"] == pytest.approx(1 / 3)
    curve = payload["label_fraction"]
    assert curve["fractions"] == [0.05, 0.1, 0.2, 0.5, 1.0]
    # 5 % of 22 or 23 spectra is 1: raised to one spectrum per class
    assert curve["n_labelled"] == [3, 3, 4, 12, 22]
    assert list(curve["estimators"]) == ["PLS-DA"]
    scores = np.asarray(curve["estimators"]["PLS-DA"]["scores"], dtype=float)
    assert scores.shape == (5, 2) and np.all((scores >= 0) & (scores <= 1))
    with open(tmp_path / "label_fraction.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [float(r["fraction"]) for r in rows] == [0.05, 0.1, 0.2, 0.5, 1.0]
    assert "label_fraction.csv" in payload["files"]
    if cli._pyplot() is not None:
        assert (tmp_path / "label_fraction.png").is_file()
        assert {"leaderboard.png", "label_fraction.png"} <= set(payload["files"])
        # where the charts are is printed
        assert f"leaderboard chart: {tmp_path / 'leaderboard.png'}" in captured.err
        assert f"label-fraction curve chart: {tmp_path / 'label_fraction.png'}" in (
            captured.err
        )


def test_no_curve(tmp_path, capsys):
    assert _demo(tmp_path, "--no-curve") == 0
    assert "label-fraction curve" not in capsys.readouterr().out
    assert not (tmp_path / "label_fraction.csv").exists()
    assert "label_fraction" not in json.loads((tmp_path / "results.json").read_text())


@pytest.mark.parametrize("shipped", [True, False])
def test_default_curve_models_include_the_pretrained_encoder_when_shipped(
    monkeypatch, shipped
):
    names = ["PLS-DA", "SVM", "kNN", "MiniRocket", "SSL-CNN fine-tuned"]
    if shipped:
        names.append("sklspec-base")
    monkeypatch.setattr(cli, "_model_names", lambda task: names)
    expected = ["MiniRocket", "PLS-DA"] + (["sklspec-base"] if shipped else [])
    assert cli._curve_names("classification", None) == expected
    assert cli._curve_names("classification", ["knn"]) == ["kNN"]


def test_curve_on_tiny_subsets_records_failures_and_goes_on():
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    from sklspec.baselines import PLSDAClassifier
    from sklspec.datasets import make_demo_scene

    d = make_demo_scene(n_labeled=60, n_unlabeled=0, random_state=1)
    models = {
        "PLS-DA": (
            make_pipeline(PLSDAClassifier()),
            {"plsdaclassifier__n_components": [2, 5]},
        ),
        # 5 neighbours cannot be found among the 3 spectra of the 5 and 10 %
        # draws
        "kNN": (make_pipeline(KNeighborsClassifier()), {}),
    }
    res = cli.label_fraction_report(
        models, d.X, d.y, task="classification", cv=2, progress=False
    )
    assert res.n_labelled_.tolist() == [3, 3, 6, 15, 30]
    assert np.isfinite(res.scores_["PLS-DA"]).all()
    assert np.isnan(res.scores_["kNN"][:2]).all()
    assert np.isfinite(res.scores_["kNN"][2:]).all()
    assert "n_neighbors" in res.errors_["kNN"]


@pytest.mark.parametrize(
    "task, metric, reference, label",
    [
        ("classification", "accuracy", 1 / 3, "chance level (0.33)"),
        ("regression", "r2", 0.0, "mean predictor (0.00)"),
    ],
)
def test_leaderboard_chart_marks_the_chance_or_mean_predictor_level(
    tmp_path, monkeypatch, task, metric, reference, label
):
    plt = cli._pyplot()
    if plt is None:
        pytest.skip("matplotlib is not installed")
    import matplotlib.axes

    from sklspec.evaluation import ComparisonResult

    seen = []
    original = matplotlib.axes.Axes.axvline

    def spy(self, x=0, *args, **kwargs):
        seen.append((x, kwargs.get("label"), kwargs.get("linestyle")))
        return original(self, x, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "axvline", spy)
    times = {"fit_time": [0.1, 0.1], "score_time": [0.0, 0.0]}
    result = ComparisonResult(
        {
            "PLS-DA": {metric: [0.6, 0.65], **times},
            "kNN": {metric: [0.5, 0.45], **times},
        },
        [metric],
        {metric: "max"},
        task=task,
        n_splits=2,
    )
    chance = cli._reference_score(task, 1 / 3)
    assert cli._save_leaderboard(result, tmp_path / "lb.png", task, chance)
    assert seen == [(reference, label, "--")]
    assert (tmp_path / "lb.png").is_file()


def test_curve_cv_must_be_at_least_two(tmp_path, capsys):
    assert _demo(tmp_path, "--curve-cv", "1") == 2
    assert "--curve-cv must be at least 2" in capsys.readouterr().err


def test_a_default_curve_model_that_cannot_be_built_is_left_out(monkeypatch, capsys):
    import argparse

    from sklspec.baselines import PLSDAClassifier
    from sklspec.datasets import make_demo_scene

    def broken(task, names=None, **kwargs):
        raise FileNotFoundError("the weights are missing")

    monkeypatch.setattr(cli, "_curve_names", lambda task, names: ["PLS-DA", "Broken"])
    monkeypatch.setattr(cli, "available_models", broken)
    d = make_demo_scene(n_labeled=30, n_unlabeled=0, random_state=0)
    args = argparse.Namespace(
        curve_models=None, random_state=0, quick=True, curve_cv=2, inner_cv=2
    )
    models = {"PLS-DA": (PLSDAClassifier(), {})}
    res = cli._run_curve(args, models, d.X, d.y, "classification", None)
    assert list(res.scores_) == ["PLS-DA"]
    assert "note: Broken left out of the curve" in capsys.readouterr().err
    args.curve_models = ["Broken"]
    with pytest.raises(cli.CLIError, match="--curve-models 'Broken'"):
        cli._run_curve(args, models, d.X, d.y, "classification", None)
