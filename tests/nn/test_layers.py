"""Tests of the one input scaler and the pooling vocabulary (sklspec.nn._layers)."""

import numpy as np
import pytest
import torch

from sklspec.nn import POOLINGS, InputScaler, pool_features, pool_tokens


@pytest.mark.parametrize("mode", [None, "global", "wavelength", "spectrum"])
def test_every_mode_inverts(mode):
    x = torch.randn(4, 10, dtype=torch.float64).float() * 3 + 7
    scaler = InputScaler(10, mode)
    scaler.fit(x)
    z, loc, scale = scaler.normalize(x)
    torch.testing.assert_close(scaler.inverse(z, loc, scale), x)


def test_statistics_match_numpy():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 2.0, (20, 6))
    g = InputScaler(6, "global")
    g.fit(X)
    assert g.mean.shape == () and np.isclose(float(g.mean), X.mean(), atol=1e-5)
    assert np.isclose(float(g.scale), X.std(), rtol=1e-5)
    w = InputScaler(6, "wavelength")
    w.fit(X)
    np.testing.assert_allclose(w.mean.numpy(), X.mean(0), rtol=1e-5)
    np.testing.assert_allclose(w.scale.numpy(), (X - X.mean(0)).std(), rtol=1e-5)
    z = w(torch.as_tensor(X, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(z, (X - X.mean(0)) / (X - X.mean(0)).std(), atol=1e-4)


def test_spectrum_mode_z_scores_each_spectrum_and_only_centres_constants():
    x = torch.randn(4, 10) * 3 + 7
    z = InputScaler(10, "spectrum")(x)
    torch.testing.assert_close(z.mean(1), torch.zeros(4), atol=1e-5, rtol=0)
    torch.testing.assert_close(z.std(1, unbiased=False), torch.ones(4))
    assert torch.equal(InputScaler(5, "spectrum")(torch.ones(2, 5)), torch.zeros(2, 5))


def test_guards_zero_and_non_finite_scales():
    s = InputScaler(3, "wavelength")
    s.set_statistics(torch.zeros(3), torch.tensor([1.0, 0.0, float("nan")]))
    torch.testing.assert_close(s.scale, torch.ones(3))


def test_pads_narrow_spectra_with_edge_values():
    s = InputScaler(3, min_width=7)
    out = s(torch.tensor([[1.0, 2.0, 3.0]]))
    assert s.out_features == 7
    torch.testing.assert_close(out, torch.tensor([[1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0]]))


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="scaler mode must be one of"):
        InputScaler(4, "snv")


def test_pool_tokens_matches_manual_readouts():
    tokens = torch.randn(3, 5, 4)  # CLS + 4 patch tokens of width 4
    patches = tokens[:, 1:]
    torch.testing.assert_close(pool_tokens(tokens, "cls"), tokens[:, 0])
    torch.testing.assert_close(pool_tokens(tokens, "avg"), patches.mean(1))
    torch.testing.assert_close(pool_tokens(tokens, "max"), patches.amax(1))
    assert pool_tokens(tokens, "flatten").shape == (3, 16)
    with pytest.raises(ValueError, match="pooling must be one of"):
        pool_tokens(tokens, "median")


def test_feature_maps_refuse_cls_pooling():
    assert "cls" in POOLINGS
    with pytest.raises(ValueError, match="needs a token sequence"):
        pool_features(torch.ones(2, 3, 4), "cls")
