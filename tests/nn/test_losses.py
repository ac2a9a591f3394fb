"""Tests of MultiTaskBCELoss against a manual computation."""

import pytest
import torch
import torch.nn.functional as F

from sklspec.nn import MultiTaskBCELoss


def _data(n=6, t=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, t, generator=g)
    targets = torch.eye(t)[torch.randint(0, t, (n,), generator=g)]
    return logits, targets


def test_default_is_mean_of_task_losses():
    logits, targets = _data()
    per_task = torch.stack(
        [
            F.binary_cross_entropy_with_logits(logits[:, j], targets[:, j])
            for j in range(7)
        ]
    )
    total, got = MultiTaskBCELoss()(logits, targets, return_per_task=True)
    torch.testing.assert_close(got, per_task)
    torch.testing.assert_close(total, per_task.mean())
    # equal weights = plain BCE averaged over all entries
    torch.testing.assert_close(
        total, F.binary_cross_entropy_with_logits(logits, targets)
    )


def test_weights_are_normalised():
    logits, targets = _data()
    w = torch.tensor([3.0, 1, 1, 1, 1, 1, 0])
    expected = sum(
        w[j] / w.sum() * F.binary_cross_entropy_with_logits(logits[:, j], targets[:, j])
        for j in range(7)
    )
    loss = MultiTaskBCELoss(weights=w.tolist())
    torch.testing.assert_close(loss(logits, targets), expected)
    torch.testing.assert_close(
        MultiTaskBCELoss(weights=(w * 10).tolist())(logits, targets), expected
    )
    assert loss.get_config()["weights"] == w.tolist()


def test_pos_weight():
    logits, targets = _data()
    pw = torch.full((7,), 6.0)
    expected = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pw)
    torch.testing.assert_close(
        MultiTaskBCELoss(pos_weight=6.0)(logits, targets), expected
    )
    torch.testing.assert_close(
        MultiTaskBCELoss(pos_weight=pw.tolist())(logits, targets), expected
    )


def test_gradient_and_shapes():
    logits, targets = _data()
    logits.requires_grad_(True)
    loss = MultiTaskBCELoss()(logits, targets)
    assert loss.ndim == 0
    loss.backward()
    assert logits.grad.shape == logits.shape


def test_validation():
    with pytest.raises(ValueError, match="non-negative"):
        MultiTaskBCELoss(weights=[1.0, -1.0])
    with pytest.raises(ValueError, match="not all be zero"):
        MultiTaskBCELoss(weights=[0.0, 0.0])
    logits, targets = _data()
    with pytest.raises(ValueError, match="weights has 3 values"):
        MultiTaskBCELoss(weights=[1, 1, 1])(logits, targets)
    with pytest.raises(ValueError, match="pos_weight has 2 values"):
        MultiTaskBCELoss(pos_weight=[1, 1])(logits, targets)
