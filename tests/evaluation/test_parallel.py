"""compare() and label_fraction_curve() in parallel: one flat joblib loop.

Whatever ``n_jobs`` and the joblib backend (loky, a backend that cannot
stream its results like multiprocessing or ray, a dask.distributed cluster),
the results must be those of the serial run, fit and score times aside.
"""

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from sklspec.datasets import make_spectra
from sklspec.evaluation import compare, label_fraction_curve
from sklspec.zoo import make_models

CURVE = {"fractions": (0.2, 0.5), "n_repeats": 2}


@pytest.fixture(scope="module")
def data():
    return make_spectra(
        n_samples=90, n_wavelengths=40, class_sep=4.0, random_state=0, return_X_y=True
    )


def _models():
    models = make_models("classification", include=["PLS-DA", "kNN"], random_state=0)
    return {name: pipe for name, (pipe, _) in models.items()}


class FailsOnSomeFolds(ClassifierMixin, BaseEstimator):
    """Fails when the training set holds sample 0 (column 0 is the row id)."""

    def fit(self, X, y):
        if np.any(np.asarray(X)[:, 0] == 0):
            raise RuntimeError("sample 0 in the training set")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _without_times(result) -> dict:
    """``to_dict()`` less the fit and score times (which may differ)."""
    data = result.to_dict()
    for est in data["estimators"].values():
        for key in ("fit_time", "score_time"):
            est.pop(key, None)
            est.get("folds", {}).pop(key, None)
    return data


def _csv_without_times(result, path) -> list[list[str]]:
    result.to_csv(path)
    rows = [line.split(",") for line in path.read_text().splitlines()]
    keep = [i for i, c in enumerate(rows[0]) if c not in ("fit_time", "score_time")]
    return [[r[i] for i in keep] for r in rows]


def _assert_same(result, serial, tmp_path):
    assert _without_times(result) == _without_times(serial)
    assert result.ranking_ == serial.ranking_
    assert _csv_without_times(result, tmp_path / "a.csv") == _csv_without_times(
        serial, tmp_path / "b.csv"
    )


@pytest.fixture(scope="module")
def serial(data):
    X, y = data
    return (
        compare(_models(), X, y, cv=3),
        label_fraction_curve(_models(), X, y, **CURVE),
    )


def test_n_jobs_2_equals_serial(data, serial, tmp_path):
    X, y = data
    res = compare(_models(), X, y, cv=3, n_jobs=2)
    _assert_same(res, serial[0], tmp_path)
    for (tr, te), (tr0, te0) in zip(res.splits_, serial[0].splits_):
        np.testing.assert_array_equal(tr, tr0)
        np.testing.assert_array_equal(te, te0)
    curve = label_fraction_curve(_models(), X, y, n_jobs=2, **CURVE)
    _assert_same(curve, serial[1], tmp_path)
    assert curve.fit_time_.keys() == serial[1].fit_time_.keys()


class _NoStreamingBackend(joblib._parallel_backends.ThreadingBackend):
    """Threads that return all results at the end, as dask's and ray's backends.

    (joblib's "multiprocessing" backend behaves so too, but it forks: after
    torch has started its threads elsewhere in the test session, a forked
    child can deadlock.)
    """

    supports_return_generator = False


joblib.register_parallel_backend("no-streaming", _NoStreamingBackend)


def test_backend_without_streaming_and_progress(data, serial, tmp_path):
    # a backend that, like ray's and dask's, returns all its results at the
    # end: the results and the order of the progress calls are the serial ones
    X, y = data
    calls = []

    def progress(name, index, total, result):
        calls.append((name, index, total, result is None))

    with joblib.parallel_config(backend="no-streaming", n_jobs=2):
        res = compare(_models(), X, y, cv=3, progress=progress)
    _assert_same(res, serial[0], tmp_path)
    names = list(_models())
    assert calls == [
        (n, i, 2, before) for i, n in enumerate(names) for before in (True, False)
    ]


def test_errors_in_parallel_are_the_serial_ones(data):
    X, y = data
    X = np.column_stack([np.arange(len(X)), X])
    ests = {"dummy": DummyClassifier(), "flaky": FailsOnSomeFolds()}
    serial = compare(ests, X, y, cv=3, error_score=np.nan)
    res = compare(ests, X, y, cv=3, error_score=np.nan, n_jobs=2)
    assert res.errors_ == serial.errors_
    assert res.errors_ == {"flaky": "RuntimeError: sample 0 in the training set"}
    assert np.all(np.isnan(res.scores_["flaky"]["accuracy"]))
    assert _without_times(res) == _without_times(serial)
    with pytest.raises(RuntimeError, match="sample 0 in the training set"):
        compare(ests, X, y, cv=3, n_jobs=2)
    curve = label_fraction_curve(ests, X, y, error_score=-1.0, n_jobs=2, **CURVE)
    curve0 = label_fraction_curve(ests, X, y, error_score=-1.0, **CURVE)
    assert _without_times(curve) == _without_times(curve0)
    assert "flaky" in curve.errors_
    with pytest.raises(RuntimeError, match="sample 0 in the training set"):
        label_fraction_curve(ests, X, y, n_jobs=2, **CURVE)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip(
        "distributed",
        reason="dask.distributed is not installed (pip install 'sklspec[dask]')",
    )
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_dask_cluster_equals_serial(data, serial, dask_client, tmp_path):
    from distributed import get_task_stream

    X, y = data
    with get_task_stream(dask_client) as stream:
        with joblib.parallel_config(backend="dask"):
            res = compare(_models(), X, y, cv=3)
            curve = label_fraction_curve(_models(), X, y, **CURVE)
    _assert_same(res, serial[0], tmp_path)
    _assert_same(curve, serial[1], tmp_path)
    # the fits did run on the cluster's workers
    assert stream.data and all(t["worker"] for t in stream.data)
    assert set(dask_client.scheduler_info()["workers"]) >= {
        t["worker"] for t in stream.data
    }
