"""Tests of FineTunedClassifier / FineTunedRegressor."""

import numpy as np
import pytest
import torch
from sklearn.frozen import FrozenEstimator

from sklspec.embedders import TransformRecogEmbedder
from sklspec.finetune import FineTunedClassifier, FineTunedRegressor, make_ssl_models
from tests._helpers import gaussian_peaks

EMB = dict(channels=(4, 8, 8), hidden=(8,), batch_size=16)
# A small head without dropout and a fast learning rate: learns in a few epochs.
HEAD = dict(head_hidden=(32,), dropout=0.0, lr=3e-3, random_state=0)


@pytest.fixture(scope="module")
def data():
    X, centers = gaussian_peaks(80)
    y = np.where(centers > 0.5, "high", "low")
    return X, y, centers


def test_classifier_learns_and_predicts(data):
    X, y, _ = data
    clf = FineTunedClassifier(
        TransformRecogEmbedder(**EMB, max_epochs=2, random_state=0),
        max_epochs=60,
        **HEAD,
    ).fit(X, y)
    assert set(clf.classes_) == {"high", "low"}
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.9
    assert clf.pretrained_
    assert clf.training_summary_["epochs_run"] == 60


def test_regressor_multioutput_and_scale(data):
    X, _, c = data
    Y = np.column_stack([c * 100, -c])
    reg = FineTunedRegressor(
        TransformRecogEmbedder(**EMB, max_epochs=1, random_state=0),
        max_epochs=80,
        **HEAD,
    ).fit(X, Y)
    pred = reg.predict(X)
    assert pred.shape == (80, 2)
    assert reg.score(X, Y) > 0.8
    assert FineTunedRegressor(
        TransformRecogEmbedder(**EMB, max_epochs=0), max_epochs=1
    ).fit(X, c).predict(X).shape == (80,)


def test_frozen_embedder_is_not_modified(data):
    X, y, _ = data
    emb = TransformRecogEmbedder(**EMB, max_epochs=1, random_state=0).fit(X)
    before = {k: v.clone() for k, v in emb.module_.state_dict().items()}
    clf = FineTunedClassifier(FrozenEstimator(emb), max_epochs=3, random_state=0)
    clf.fit(X, y)
    for k, v in emb.module_.state_dict().items():
        assert torch.equal(v, before[k]), k
    # the classifier got a trained copy of the encoder, not the embedder's
    enc_clf = clf.module_.encoder.state_dict()
    first = next(k for k in enc_clf if k.endswith("weight"))
    assert not torch.equal(enc_clf[first], emb.get_encoder().state_dict()[first])


def test_freeze_encoder_trains_only_the_head(data):
    X, y, _ = data
    emb = TransformRecogEmbedder(**EMB, max_epochs=1, random_state=0).fit(X)
    clf = FineTunedClassifier(
        FrozenEstimator(emb), freeze_encoder=True, max_epochs=3, random_state=0
    ).fit(X, y)
    for k, v in clf.module_.encoder.state_dict().items():
        assert torch.equal(v, emb.get_encoder().state_dict()[k]), k


def test_unlabelled_spectra_reach_pretraining_only(data):
    X, y, _ = data
    clf = FineTunedClassifier(
        TransformRecogEmbedder(**EMB, max_epochs=1, random_state=0),
        max_epochs=1,
        random_state=0,
    ).fit(X[:20], y[:20], X_unlabeled=X[20:])
    assert clf.embedder_.training_summary_["n_spectra"] == 80
    assert clf.training_summary_["n_train"] == 20


def test_no_pretraining_control(data):
    X, y, _ = data
    clf = FineTunedClassifier(
        TransformRecogEmbedder(**EMB, max_epochs=0), max_epochs=1, random_state=0
    ).fit(X, y)
    assert not clf.pretrained_


def test_early_stopping_and_augment(data):
    X, y, _ = data
    clf = FineTunedClassifier(
        TransformRecogEmbedder(**EMB, max_epochs=0),
        max_epochs=200,
        early_stopping=True,
        patience=3,
        lr=1e-2,
        augment=1,
        random_state=0,
    ).fit(X, y)
    assert clf.training_summary_["epochs_run"] < 200
    assert "valid_loss" in clf.history_[-1]
    assert clf.training_summary_["n_train"] == 160


def test_make_ssl_models():
    models = make_ssl_models("classification")
    assert set(models) == {
        "SSL-CNN fine-tuned",
        "SSL-CNN embedding + linear",
        "SSL-MAE embedding + linear",
        "SSL-VAE embedding + linear",
        "sklspec-base",
    }
    assert make_ssl_models("regression", quick=False)
    with pytest.raises(ValueError, match="task must be"):
        make_ssl_models("clustering")
    only = make_ssl_models("regression", include=["SSL-VAE embedding + linear"])
    assert list(only) == ["SSL-VAE embedding + linear"]
    with pytest.raises(ValueError, match=r"unknown self-supervised model.*SSL-MAE"):
        make_ssl_models(include=["SSL-MAE fine-tuned"])


def test_shipped_grid_encoder_fine_tunes_on_any_width():
    from sklspec.embedders import load_pretrained

    X, c = gaussian_peaks(60)
    X = X[:, ::3]  # another width than the grid's 256 points
    reg = FineTunedRegressor(
        load_pretrained("sklspec-base"), max_epochs=30, lr=3e-3, random_state=0
    ).fit(X, c)
    assert reg.grid_ is not None and reg.grid_.n_points == 256
    pred = reg.predict(X)
    assert pred.shape == c.shape and np.isfinite(pred).all()
    assert reg.score(X, c) > 0.5
