"""Tests of the model zoo: list_models, get_model, make_models."""

import dataclasses
import importlib.util
import inspect
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline

from sklspec.pretrained import list_pretrained
from sklspec.zoo import ModelSpec, _registry, _ssl, get_model, list_models, make_models

SSL = list_models(kind="ssl")
CASES = [(spec.name, task) for spec in list_models(details=True) for task in spec.tasks]


@pytest.fixture(scope="module")
def pool():
    from sklspec.datasets import make_spectra

    X, y = make_spectra(60, 64, task="regression", return_X_y=True, random_state=0)
    return X, y


@pytest.fixture
def count_pretraining(monkeypatch):
    """Count the pretrainings of each embedder class done by the zoo."""
    calls = Counter()
    original = _ssl.pretrain

    def counted(name, *args, **kwargs):
        calls[name] += 1
        return original(name, *args, **kwargs)

    monkeypatch.setattr(_ssl, "pretrain", counted)
    return calls


def test_listing_builds_nothing(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("a factory was called")

    for name, spec in list(_registry._MODELS.items()):
        monkeypatch.setitem(
            _registry._MODELS, name, dataclasses.replace(spec, factory=boom)
        )
    names = list_models()
    assert names[:2] == ["PLS-DA", "PLSR"] and len(names) == len(_registry._MODELS)
    assert list_models("classification", kind="ssl", available_only=True) == SSL
    assert all(isinstance(s, ModelSpec) for s in list_models(details=True))
    with pytest.raises(AssertionError, match="a factory was called"):
        get_model("kNN", "regression")


def test_listing_imports_no_estimator():
    code = (
        "import sys; from sklspec.zoo import list_models; "
        "list_models(available_only=True, details=True); "
        "print([m for m in ('torch', 'sklspec.baselines', 'sklspec.embedders') "
        "if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_list_models_filters():
    clf = list_models("classification")
    assert "PLS-DA" in clf and "PLSR" not in clf and "kNN" in clf
    reg = list_models("regression", kind="baseline")
    assert reg == [
        "PLSR", "SVR", "kNN", "RF", "ELM", "BPNN", "Cubist", "MiniRocket"
    ]  # fmt: skip
    assert SSL == [
        "SSL-CNN fine-tuned",
        "SSL-CNN embedding + linear",
        "SSL-MAE embedding + linear",
        "SSL-VAE embedding + linear",
        "sklspec-base",
    ]
    assert list_models("regression") == reg + SSL
    for spec in list_models(details=True):
        assert spec.kind in ("baseline", "ssl")
        assert set(spec.tasks) <= {"classification", "regression"} and spec.tasks
        assert spec.description and "\n" not in spec.description
        # an SSL model pretrains an embedder, unless it is a shipped encoder
        shipped = spec.name in list_pretrained()
        assert (spec.embedder is not None) == (spec.kind == "ssl" and not shipped)
    specs = {spec.name: spec for spec in list_models(details=True)}
    assert (specs["MiniRocket"].module, specs["MiniRocket"].extra) == ("aeon", "rocket")
    assert (specs["Cubist"].module, specs["Cubist"].extra) == ("cubist", "cubist")
    with pytest.raises(ValueError, match="task must be one of"):
        list_models("clustering")
    with pytest.raises(ValueError, match="kind must be"):
        list_models(kind="deep")


@pytest.mark.parametrize(("name", "task"), CASES)
def test_every_model_builds_with_a_valid_grid(name, task):
    spec = _registry._MODELS[name]
    if not spec.available:
        pytest.skip(spec.install_hint())
    pipe, grid = get_model(name, task, random_state=0)
    assert isinstance(pipe, Pipeline)
    assert pipe.steps[-1][0] == "model"
    assert len(ParameterGrid(grid)) <= 6
    params = pipe.get_params()
    for key, values in grid.items():
        assert key in params
        pipe.set_params(**{key: values[0]})


def test_unknown_name_suggests_and_lists():
    with pytest.raises(
        ValueError, match=r"Unknown model 'PLS_DA'\. Did you mean 'PLS-DA'\?"
    ):
        get_model("PLS_DA", "classification")
    with pytest.raises(
        ValueError, match=r"Did you mean 'kNN'\?.*Known models: PLS-DA, PLSR"
    ):
        make_models("regression", include=["knn"])
    with pytest.raises(ValueError) as info:
        get_model("LDA-of-doom", "classification")
    assert "Did you mean" not in str(info.value)
    assert "SSL-VAE embedding + linear" in str(info.value)
    with pytest.raises(ValueError, match=r"'PLSR' is a regression model"):
        get_model("PLSR", "classification")
    with pytest.raises(ValueError, match="task must be one of"):
        get_model("kNN", "clustering")
    with pytest.raises(ValueError, match="Unknown model 'nope'"):
        make_models("regression", exclude=["nope"])


def test_missing_extra(monkeypatch):
    find_spec = importlib.util.find_spec

    def no_extras(name, *args, **kwargs):
        if name in ("aeon", "cubist"):
            return None
        return find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_extras)
    assert "MiniRocket" in list_models("classification")
    assert "MiniRocket" not in list_models("classification", available_only=True)
    assert "Cubist" not in list_models("regression", available_only=True)
    assert not {"MiniRocket", "Cubist"} & set(make_models("regression"))
    with pytest.raises(ImportError, match=r'pip install "sklspec\[rocket\]"'):
        get_model("MiniRocket", "classification")
    with pytest.raises(ImportError, match=r"Cubist needs cubist.*sklspec\[cubist\]"):
        make_models("regression", include=["PLSR", "Cubist"])


def test_make_models_order_and_filtering():
    models = make_models("classification", include=["kNN", "PLS-DA"])
    assert list(models) == ["PLS-DA", "kNN"]  # registry order
    assert list(make_models("regression", include="PLSR")) == ["PLSR"]
    everything = list_models("regression", available_only=True)
    assert list(make_models("regression")) == everything
    kept = make_models("regression", exclude=["PLS-DA", "Cubist", *SSL])
    assert list(kept) == [n for n in everything if n != "Cubist" and n not in SSL]
    assert make_models("classification", include=["RF"], exclude="RF") == {}
    for pipe, grid in models.values():
        assert isinstance(pipe, Pipeline) and isinstance(grid, dict)
    with pytest.raises(ValueError, match="regression model, not a classification"):
        make_models("classification", include=["PLS-DA", "SVR"])


def test_random_state_reaches_every_model():
    rf, _ = get_model("RF", "classification", random_state=3)
    assert rf[-1].random_state == 3
    tuned, _ = get_model("SSL-CNN fine-tuned", "regression", random_state=3)
    assert tuned[-1].random_state == 3 and tuned[-1].embedder.random_state == 3
    assert get_model("ELM", "regression")[0][-1].random_state is None


def test_ssl_settings_differ_from_class_defaults():
    """_SSL_SETTINGS holds only what differs from the class defaults.

    When a class default changes to the zoo's value, delete the entry here.
    """
    from sklspec import embedders, finetune

    for schedule, per_class in _ssl._SSL_SETTINGS.items():
        for key, settings in per_class.items():
            classes = (
                [finetune.FineTunedClassifier, finetune.FineTunedRegressor]
                if key == "FineTuned"
                else [getattr(embedders, key)]
            )
            for cls in classes:
                defaults = inspect.signature(cls).parameters
                for param, value in settings.items():
                    assert param in defaults, (schedule, cls.__name__, param)
                    assert defaults[param].default != value, (
                        f"{schedule} {cls.__name__}.{param}={value!r} is the class "
                        "default now: remove it from _SSL_SETTINGS"
                    )


@pytest.mark.parametrize("quick", [True, False])
def test_ssl_models_use_class_defaults_and_settings(quick):
    from sklspec.embedders import MAEEmbedder, TransformRecogEmbedder, VAEEmbedder
    from sklspec.finetune import FineTunedClassifier

    settings = _ssl._SSL_SETTINGS["quick" if quick else "full"]
    models = make_models("classification", include=SSL, random_state=0, quick=quick)
    for name, cls in [
        ("SSL-CNN embedding + linear", TransformRecogEmbedder),
        ("SSL-MAE embedding + linear", MAEEmbedder),
        ("SSL-VAE embedding + linear", VAEEmbedder),
    ]:
        embed = models[name][0].named_steps["embed"]
        own = settings.get(cls.__name__, {})
        expected = {**cls().get_params(), **own, "random_state": 0}
        assert embed.get_params() == expected
    tuned = models["SSL-CNN fine-tuned"][0].named_steps["model"]
    assert isinstance(tuned, FineTunedClassifier)
    expected = {**FineTunedClassifier().get_params(), **settings.get("FineTuned", {})}
    got = tuned.get_params(deep=False)
    assert {k: v for k, v in got.items() if k not in ("embedder", "random_state")} == {
        k: v for k, v in expected.items() if k not in ("embedder", "random_state")
    }
    assert isinstance(tuned.embedder, TransformRecogEmbedder)


@pytest.mark.slow
def test_X_unlabeled_pretrains_each_embedder_once(pool, count_pretraining):
    from sklspec.embedders import MAEEmbedder, VAEEmbedder

    X, y = pool
    models = make_models("regression", include=SSL, X_unlabeled=X[20:], random_state=0)
    assert count_pretraining == {
        "TransformRecogEmbedder": 1,
        "MAEEmbedder": 1,
        "VAEEmbedder": 1,
    }
    # the two CNN models share one pretrained embedder
    cnn_tuned = models["SSL-CNN fine-tuned"][0].named_steps["model"].embedder
    cnn_probe = models["SSL-CNN embedding + linear"][0].named_steps["embed"]
    assert isinstance(cnn_tuned, FrozenEstimator)
    assert cnn_tuned.estimator is cnn_probe.estimator
    for name, cls in (
        ("SSL-MAE embedding + linear", MAEEmbedder),
        ("SSL-VAE embedding + linear", VAEEmbedder),
    ):
        pipe, grid = models[name]
        embed = pipe.named_steps["embed"]
        assert isinstance(embed, FrozenEstimator) and grid == {}
        assert isinstance(embed.estimator, cls)
        assert embed.estimator.n_features_in_ == 64  # fitted on the pool
        before = embed.estimator.transform(X[:5])
        pred = pipe.fit(X[:20], y[:20]).predict(X[20:30])
        assert pred.shape == (10,) and np.isfinite(pred).all()
        # the pretrained embedder is shared, never refitted on the labelled rows
        np.testing.assert_array_equal(embed.estimator.transform(X[:5]), before)


def test_X_unlabeled_pretrains_only_what_is_included(pool, count_pretraining):
    from sklspec.finetune import make_ssl_models

    X, _ = pool
    make_models("regression", include=["kNN", "PLSR"], X_unlabeled=X)
    assert count_pretraining == {}
    name = "SSL-VAE embedding + linear"
    models = make_models("regression", include=["kNN", name], X_unlabeled=X)
    assert count_pretraining == {"VAEEmbedder": 1}
    assert list(models) == ["kNN", name]
    # make_ssl_models forwards the pool to the zoo
    pipe, _ = make_ssl_models("regression", include=[name], X_unlabeled=X)[name]
    assert count_pretraining == {"VAEEmbedder": 2}
    assert isinstance(pipe.named_steps["embed"], FrozenEstimator)
    # get_model pretrains the one embedder it needs
    pipe, _ = get_model(name, "regression", X_unlabeled=X)
    assert count_pretraining == {"VAEEmbedder": 3}


def test_wrappers_build_the_zoo_models():
    from sklspec.baselines import available_baselines, make_baselines

    for task in ("classification", "regression"):
        assert available_baselines(task) == list_models(
            task, kind="baseline", available_only=True
        )
        zoo = make_models(task, include=available_baselines(task), random_state=0)
        for name, (pipe, grid) in make_baselines(task).items():
            assert repr(pipe) == repr(zoo[name][0]) and grid == zoo[name][1]
    assert list(make_baselines(include=["kNN", "PLS-DA"])) == ["kNN", "PLS-DA"]
