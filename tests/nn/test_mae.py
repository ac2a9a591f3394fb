"""Tests of the 1-D masked autoencoder modules (sklspec.nn._mae)."""

import json

import pytest
import torch

from sklspec.nn import EncoderWithHead, RegressionHead
from sklspec.nn._mae import (
    MAEEncoder,
    MAELoss,
    MaskedAutoencoder1d,
    n_kept_patches,
    sincos_pos_embed_1d,
)
from tests._helpers import TINY_MAE

TINY = dict(**TINY_MAE, decoder_depth=1)


def _mae(n_features=64, **kw):
    torch.manual_seed(0)
    return MaskedAutoencoder1d(n_features, **{**TINY, **kw})


def test_shapes():
    mae = _mae()
    x = torch.randn(5, 64)
    loss, pred, mask = mae(x)
    assert loss.ndim == 0 and torch.isfinite(loss)
    assert pred.shape == (5, 8, 8) and mask.shape == (5, 8)
    latent, mask, ids = mae.forward_encoder(x, 0.5)
    assert latent.shape == (5, 1 + 4, 16) and ids.shape == (5, 8)
    assert mae.encode(x).shape == (5, 1 + 8, 16)
    assert mae.encoder(x).shape == (5, 16)
    assert mae.reconstruct(x, n_repeats=3).shape == (5, 64)
    assert mae.reconstruction_error(x, n_repeats=2).shape == (5,)


def test_padding_for_widths_not_a_multiple_of_the_patch():
    mae = _mae(50)  # 7 patches, 6 padded points
    assert mae.n_patches == 7 and mae.encoder.padded_width == 56
    x = torch.randn(3, 50)
    z, _, _ = mae.encoder.prepare(x)
    assert z.shape == (3, 56)
    # right padding repeats the last (normalised) value
    torch.testing.assert_close(z[:, 50:], z[:, 49:50].expand(3, 6))
    assert mae.reconstruct(x, n_repeats=2).shape == (3, 50)
    # the padded points never count in the loss
    _, pred, mask = mae(x)
    moved = pred.clone()
    moved[:, -1, 2:] += 100.0
    torch.testing.assert_close(
        mae.forward_loss(x, moved, mask), mae.forward_loss(x, pred, mask)
    )


@pytest.mark.parametrize("n_features", [1, 3, 8])
def test_spectra_narrower_than_a_patch_become_one_patch(n_features):
    mae = _mae(n_features)
    assert mae.n_patches == 1
    loss, pred, mask = mae(torch.randn(4, n_features))
    assert mask.sum() == 0  # the one patch stays visible
    assert torch.isfinite(loss) and loss > 0  # loss falls back to all patches
    assert mae.encoder(torch.randn(4, n_features)).shape == (4, 16)


@pytest.mark.parametrize(
    "n_patches, ratio, n_masked",
    [(8, 0.5, 4), (8, 0.75, 6), (10, 0.7, 7), (8, 0.0, 0), (4, 0.95, 3), (7, 0.3, 3)],
)
def test_masking_ratio_is_exact_per_sample(n_patches, ratio, n_masked):
    assert n_patches - n_kept_patches(n_patches, ratio) == n_masked
    mae = _mae(8 * n_patches, mask_ratio=ratio)
    _, _, mask = mae(torch.randn(6, 8 * n_patches))
    assert mask.shape == (6, n_patches)
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    assert (mask.sum(dim=1) == n_masked).all()


def test_masks_differ_between_spectra_and_follow_the_generator():
    mae = _mae()
    x = torch.randn(16, 64)
    g = torch.Generator().manual_seed(1)
    _, m1, _ = mae.forward_encoder(x, 0.5, generator=g)
    g = torch.Generator().manual_seed(1)
    _, m2, _ = mae.forward_encoder(x, 0.5, generator=g)
    assert torch.equal(m1, m2)
    assert len({tuple(r.tolist()) for r in m1}) > 1
    # 1-D noise: the same mask for every spectrum
    _, m3, _ = mae.forward_encoder(x, 0.5, noise=torch.rand(8))
    assert (m3 == m3[0]).all()


def test_visible_patch_tokens_are_the_kept_ones():
    mae = _mae().eval()
    x = torch.randn(2, 64)
    noise = torch.arange(8, dtype=torch.float32).flip(0)  # keeps patches 4..7
    _, mask, ids = mae.forward_encoder(x, 0.5, noise=noise)
    assert mask[0].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]
    assert ids[0].tolist() == list(range(7, -1, -1))


def test_loss_ignores_visible_patches_unless_asked():
    mae = _mae()
    x = torch.randn(4, 64)
    _, pred, mask = mae(x)
    visible = (mask == 0).unsqueeze(-1)
    changed = torch.where(visible, pred + 5.0, pred)
    torch.testing.assert_close(
        mae.forward_loss(x, changed, mask), mae.forward_loss(x, pred, mask)
    )
    hidden = ~visible
    assert mae.forward_loss(x, torch.where(hidden, pred + 5.0, pred), mask) > (
        mae.forward_loss(x, pred, mask)
    )
    mae_vis = _mae(loss_on_visible=True)
    assert mae_vis.forward_loss(x, changed, mask) > mae_vis.forward_loss(x, pred, mask)
    # the loss is the masked mean of the per-patch errors
    err = mae.patch_errors(x, pred)
    torch.testing.assert_close(
        mae.forward_loss(x, pred, mask), (err * mask).sum() / mask.sum()
    )


@pytest.mark.parametrize("normalize", [None, "spectrum", "global"])
def test_gradients_reach_every_parameter(normalize):
    mae = _mae(60, normalize=normalize, depth=2)
    loss, _, _ = mae(torch.randn(8, 60))
    loss.backward()
    for name, p in mae.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_config_round_trip_and_state_dict():
    mae = _mae(50, normalize="global", pooling="mean", mlp_ratio=2.0).eval()
    mae.encoder.scaler.set_statistics(1.5, 2.0)
    cfg = json.loads(json.dumps(mae.get_config()))
    # v0.1's "mean" is the one vocabulary's "avg"
    assert cfg["n_features"] == 50 and cfg["pooling"] == "avg"
    rebuilt = MaskedAutoencoder1d.from_config(cfg).eval()
    rebuilt.load_state_dict(mae.state_dict())
    x = torch.randn(3, 50)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt.encode(x), mae.encode(x))
        noise = torch.rand(2, 7)
        torch.testing.assert_close(
            rebuilt.reconstruct(x, n_repeats=2, noise=noise),
            mae.reconstruct(x, n_repeats=2, noise=noise),
        )
    enc_cfg = mae.encoder.get_config()
    enc = MAEEncoder.from_config(enc_cfg).eval()
    enc.load_state_dict(mae.encoder.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(enc(x), mae.encoder(x))
    # positional embeddings are fixed buffers, not saved
    assert not any("pos_embed" in k for k in mae.state_dict())
    assert "encoder.scaler.mean" in mae.state_dict()


def test_seeded_forward_is_reproducible():
    x = torch.randn(4, 64)
    out = []
    for _ in range(2):
        mae = _mae()
        torch.manual_seed(3)
        out.append(mae(x)[0])
    torch.testing.assert_close(out[0], out[1], rtol=0, atol=0)


def test_reconstruct_averages_hidden_predictions():
    mae = _mae().eval()
    x = torch.randn(3, 64)
    noise = torch.rand(4, 8)
    with torch.no_grad():
        rec = mae.reconstruct(x, 0.5, 4, noise=noise)
        # by hand: mean over the repeats that hid each patch
        z, loc, scale = mae.encoder.prepare(x)
        total = torch.zeros(3, 8, 8)
        count = torch.zeros(3, 8, 1)
        for r in range(4):
            latent, mask, ids = mae.forward_encoder(x, 0.5, noise=noise[r])
            pred = mae.forward_decoder(latent, ids)
            total += pred * mask.unsqueeze(-1)
            count += mask.unsqueeze(-1)
        assert (count > 0).all()
        expected = mae.encoder.scaler.inverse(
            (total / count).reshape(3, 64), loc, scale
        )
        torch.testing.assert_close(rec, expected)
        # nothing hidden (ratio 0): the autoencoder's output
        latent, _, ids = mae.forward_encoder(x, 0.0)
        full = mae.encoder.scaler.inverse(
            mae.forward_decoder(latent, ids).reshape(3, 64), loc, scale
        )
        torch.testing.assert_close(mae.reconstruct(x, 0.0, 2), full)
        # shared noise: a spectrum's result does not depend on the batch
        torch.testing.assert_close(
            mae.reconstruct(x[1:2], 0.5, 4, noise=noise), rec[1:2], atol=1e-5, rtol=0
        )


def test_sincos_positions():
    pe = sincos_pos_embed_1d(8, 5)
    assert torch.equal(pe[0], torch.zeros(8))
    torch.testing.assert_close(
        pe[1:, :4],
        torch.sin(torch.arange(5.0)[:, None] * 10000 ** (-torch.arange(4.0) / 4)),
    )
    assert (pe[1:, 4:].abs() <= 1).all()


def test_validation_errors():
    with pytest.raises(ValueError, match="divisible by the number of heads"):
        MaskedAutoencoder1d(64, embed_dim=10, num_heads=4)
    with pytest.raises(ValueError, match="even"):
        MaskedAutoencoder1d(64, embed_dim=9, num_heads=3)
    with pytest.raises(ValueError, match="mask_ratio"):
        MaskedAutoencoder1d(64, **TINY, mask_ratio=1.0)
    with pytest.raises(ValueError, match="pooling"):
        MAEEncoder(64, pooling="median")
    with pytest.raises(ValueError, match=r"shape \(N, 64\)"):
        _mae()(torch.randn(2, 63))


def test_encoder_with_head_and_criterion():
    mae = _mae()
    model = EncoderWithHead(mae.encoder, RegressionHead(16, hidden=(8,)))
    assert model(torch.randn(3, 64)).shape == (3, 1)
    out = mae(torch.randn(3, 64))
    assert MAELoss()(out, torch.zeros(1)) is out[0]


# ------------------------------------------- PreNormBlock.forward_queries
def _parent_forward(block, x):
    return torch.nn.TransformerEncoderLayer.forward(block, x)


@pytest.mark.parametrize("heads", [1, 2, 4])
@pytest.mark.parametrize("tokens", [5, 17, 70])
@pytest.mark.parametrize("n_queries", [1, 3, None])  # None: every token
@pytest.mark.parametrize("score_chunk", [None, 1])  # whole batch, one a chunk
def test_forward_queries_matches_the_block(
    heads, tokens, n_queries, score_chunk, monkeypatch
):
    import sklspec.nn._mae as mae_module

    if score_chunk is not None:
        monkeypatch.setattr(mae_module, "_SCORE_CHUNK", score_chunk)
    torch.manual_seed(0)
    block = mae_module.PreNormBlock(16, heads, 4.0).eval()
    for p in block.parameters():  # away from the init's zero biases
        p.data.normal_(0.0, 0.3)
    x = torch.randn(7, tokens, 16)
    n = tokens if n_queries is None else min(n_queries, tokens)
    with torch.no_grad():
        first = block.forward_queries(x, n)
        every = block(x)
    torch.testing.assert_close(every, _parent_forward(block, x))
    assert first.shape == (7, n, 16)
    torch.testing.assert_close(first, every[:, :n], rtol=1e-5, atol=1e-5)
    assert not torch.equal(first, x[:, :n])


def test_cls_only_step_only_on_the_cpu_without_gradients(monkeypatch):
    import sklspec.nn._mae as mae_module

    calls = []
    queries = mae_module.PreNormBlock.forward_queries
    monkeypatch.setattr(
        mae_module.PreNormBlock,
        "forward_queries",
        lambda self, x, n: calls.append(n) or queries(self, x, n),
    )
    mae = _mae(n_features=200, patch_size=16, depth=2).eval()
    x = torch.randn(3, 200, requires_grad=True)
    mae.embed(x, "cls").sum().backward()  # with gradients: every token
    assert x.grad is not None and not calls
    with torch.no_grad():
        mae.embed(x, "avg")  # another read-out: every token
        assert not calls
        mae.embed(x, "cls")
        assert calls == [1]  # the last block only
        monkeypatch.setattr(mae_module, "_INFERENCE_PATH", False)
        mae.embed(x, "cls")
    assert calls == [1]


def test_block_keeps_the_parent_state_dict():
    from sklspec.nn._mae import PreNormBlock

    block = PreNormBlock(16, 4, 4.0)
    parent = torch.nn.TransformerEncoderLayer(
        16, 4, 64, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
    )
    assert block.state_dict().keys() == parent.state_dict().keys()
    parent.load_state_dict(block.state_dict())


@pytest.mark.parametrize("depth", [0, 1, 2])
@pytest.mark.parametrize("patch_size", [4, 16])  # 51 and 13 tokens
def test_cls_read_out_computes_the_cls_token_alone_with_the_same_result(
    depth, patch_size, monkeypatch
):
    import sklspec.nn._mae as mae_module

    mae = _mae(n_features=200, patch_size=patch_size, depth=depth).eval()
    x = torch.randn(6, 200)
    with torch.no_grad():
        fast = mae.embed(x, "cls")
        tokens = mae.encode(x)  # every token through every block
        monkeypatch.setattr(mae_module, "_INFERENCE_PATH", False)
        parent = mae.embed(x, "cls")
    torch.testing.assert_close(fast, tokens[:, 0], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(fast, parent, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(mae.encoder(x), mae.embed(x), rtol=1e-5, atol=1e-5)
