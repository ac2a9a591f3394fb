"""End to end on a CUDA device: pretraining, streaming, embedding, AMP,
fine-tuning. Skipped (with the reason) where torch sees no GPU."""

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="no CUDA device (torch.cuda.is_available())"
)

from sklspec.embedders import (  # noqa: E402
    MAEEmbedder,
    TransformRecogEmbedder,
    VAEEmbedder,
)
from sklspec.finetune import FineTunedRegressor  # noqa: E402


def _data(n=256, width=128, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, width)
    c = rng.uniform(0.2, 0.8, (n, 1))
    X = np.exp(-(((x - c) / 0.05) ** 2)) + 0.01 * rng.normal(size=(n, width))
    return X.astype(np.float32), c.ravel()


@pytest.mark.parametrize(
    "emb",
    [
        MAEEmbedder(max_epochs=3, patch_size=8, random_state=0, device="cuda"),
        TransformRecogEmbedder(max_epochs=2, random_state=0, device="cuda"),
        VAEEmbedder(max_epochs=3, random_state=0, device="cuda"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_pretrain_and_embed_on_cuda(emb):
    X, _ = _data()
    emb.fit(X)
    assert next(emb.module_.parameters()).is_cuda
    Z = emb.transform(X)
    assert isinstance(Z, np.ndarray) and np.isfinite(Z).all()
    cpu = type(emb)(**{**emb.get_params(), "device": "cpu"}).fit(X)
    assert cpu.transform(X).shape == Z.shape


def test_streamed_fit_on_cuda(tmp_path):
    X, _ = _data(n=600)
    np.save(tmp_path / "lib.npy", X)
    emb = MAEEmbedder(max_epochs=2, patch_size=8, random_state=0, device="cuda")
    emb.fit(np.load(tmp_path / "lib.npy", mmap_mode="r"))
    assert np.isfinite(emb.transform(X[:10])).all()


def test_mixed_precision_on_cuda():
    pytest.importorskip("accelerate")
    X, _ = _data()
    emb = MAEEmbedder(
        max_epochs=3, patch_size=8, random_state=0,
        accelerator={"mixed_precision": "bf16"},
    ).fit(X)  # fmt: skip
    assert np.isfinite(emb.transform(X)).all()
    assert emb.history_[-1]["train_loss"] < emb.history_[0]["train_loss"]


def test_finetune_on_cuda():
    X, y = _data()
    reg = FineTunedRegressor(
        MAEEmbedder(max_epochs=2, patch_size=8, random_state=0, device="cuda"),
        max_epochs=20, random_state=0, device="cuda",
    ).fit(X, y)  # fmt: skip
    assert reg.score(X, y) > 0.5
