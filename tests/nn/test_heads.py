"""Tests of the heads, pooling and EncoderWithHead."""

import json

import pytest
import torch
from torch import nn

from sklspec.nn import (
    POOLINGS,
    ClassificationHead,
    CNNEncoder,
    EncoderWithHead,
    MLPHead,
    RecognitionHead,
    RegressionHead,
    pool_features,
    pooled_size,
)
from sklspec.nn._heads import FEATURE_MAP_POOLINGS


def test_head_layouts():
    head = RecognitionHead(10)
    linears = [m for m in head.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (10, 256),
        (256, 128),
        (128, 1),
    ]
    drops = [m for m in head.modules() if isinstance(m, nn.Dropout)]
    assert len(drops) == 2 and all(d.p == 0.5 for d in drops)
    # the last layer is the output Linear (no dropout after the logits)
    assert isinstance(head.layers[-1], nn.Linear)


@pytest.mark.parametrize(
    "head, n_out",
    [
        (RecognitionHead(12, hidden=(6, 4)), 1),
        (ClassificationHead(12, n_classes=4, hidden=(6,)), 4),
        (RegressionHead(12, n_outputs=3), 3),
        (MLPHead(12, n_outputs=2, hidden=()), 2),
    ],
)
def test_head_shapes_and_config(head, n_out):
    x = torch.randn(5, 12)
    assert head(x).shape == (5, n_out)
    assert head(x.reshape(5, 3, 4)).shape == (5, n_out)  # flattened
    head.eval()
    cfg = json.loads(json.dumps(head.get_config()))
    rebuilt = type(head).from_config(cfg).eval()
    rebuilt.load_state_dict(head.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(x), head(x))


def test_head_validation():
    with pytest.raises(ValueError, match="n_classes must be at least 2"):
        ClassificationHead(4, n_classes=1)
    with pytest.raises(ValueError, match="dropout"):
        MLPHead(4, dropout=1.0)
    with pytest.raises(ValueError, match="hidden"):
        MLPHead(4, hidden=(0,))


def test_pool_features_values():
    fmap = torch.arange(12.0).reshape(1, 2, 6)
    torch.testing.assert_close(pool_features(fmap, "flatten"), fmap.reshape(1, 12))
    torch.testing.assert_close(pool_features(fmap, "avg"), torch.tensor([[2.5, 8.5]]))
    torch.testing.assert_close(pool_features(fmap, "max"), torch.tensor([[5.0, 11.0]]))
    torch.testing.assert_close(
        pool_features(fmap, "avgmax"), torch.tensor([[2.5, 8.5, 5.0, 11.0]])
    )
    emb = torch.randn(3, 7)
    for pooling in POOLINGS:
        assert pool_features(emb, pooling) is emb
    for pooling in FEATURE_MAP_POOLINGS:
        assert pool_features(torch.randn(3, 4, 5), pooling).shape[1] == pooled_size(
            4, 5, pooling
        )
    with pytest.raises(ValueError, match="needs a token sequence"):
        pool_features(fmap, "cls")
    assert pooled_size(7, None, "avg") == 7
    with pytest.raises(ValueError, match="pooling must be one of"):
        pool_features(fmap, "mean")
    with pytest.raises(ValueError, match=r"\(N, C, L\)"):
        pool_features(torch.zeros(1, 2, 3, 4), "avg")


class _VectorEncoder(nn.Module):
    """An encoder with 2-D output (like an MAE CLS token or a VAE mean)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(20, 6)

    def forward(self, x):
        return self.lin(x)


@pytest.mark.parametrize("pooling", FEATURE_MAP_POOLINGS)
def test_encoder_with_head_cnn(pooling):
    enc = CNNEncoder(20, channels=(4, 4, 8))
    d = pooled_size(enc.out_channels, enc.out_length(), pooling)
    model = EncoderWithHead(enc, ClassificationHead(d, 3, hidden=(5,)), pooling)
    x = torch.randn(4, 20)
    assert model.forward_features(x).shape == (4, d)
    out = model(x)
    assert out.shape == (4, 3)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    cfg = model.get_config()
    assert cfg["pooling"] == pooling
    assert cfg["encoder"]["class"] == "CNNEncoder"
    assert cfg["head"]["config"]["n_classes"] == 3


def test_encoder_with_head_2d_encoder():
    model = EncoderWithHead(_VectorEncoder(), RegressionHead(6), pooling="max")
    assert model(torch.randn(3, 20)).shape == (3, 1)
    assert model.get_config()["encoder"]["config"] is None
