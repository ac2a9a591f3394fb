"""Tests of the CNN encoder and the transformation-recognition network."""

import json

import pytest
import torch
from torch import nn

from sklspec.nn import CNNEncoder, TransformRecognitionNet

SMALL = {"channels": (4, 8, 8)}


@pytest.mark.parametrize("width", [8, 9, 15, 16, 17, 63, 228])
def test_encoder_output_shapes(width):
    enc = CNNEncoder(width, **SMALL)
    x = torch.randn(3, width)
    out = enc(x)
    assert out.shape == (3, 8, width // 8)
    assert enc.out_length() == width // 8
    assert enc.n_outputs == 8 * (width // 8)
    maps = enc(x, return_all=True)
    assert [m.shape for m in maps] == [
        (3, 4, width // 2),
        (3, 8, width // 4),
        (3, 8, width // 8),
    ]
    for layer in (1, 2, 3):
        assert enc.forward_features(x, layer=layer).shape == maps[layer - 1].shape
        assert enc.out_shape(layer) == tuple(maps[layer - 1].shape[1:])


def test_encoder_default_architecture_follows_paper():
    enc = CNNEncoder(64)
    assert enc.channels == (32, 64, 128) and enc.out_channels == 128
    block = enc.blocks[0]
    kinds = [type(m) for m in block]
    assert kinds == [nn.Conv1d, nn.Conv1d, nn.BatchNorm1d, nn.ReLU, nn.MaxPool1d]
    assert block[0].kernel_size == (3,) and block[-1].kernel_size == 2
    vgg = CNNEncoder(64, norm_each_conv=True)
    assert [type(m) for m in vgg.blocks[0]].count(nn.BatchNorm1d) == 2


def test_encoder_accepts_channel_dim():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        enc = CNNEncoder(32, **SMALL).eval()
    x = torch.randn(2, 32)
    torch.testing.assert_close(enc(x), enc(x.unsqueeze(1)))


@pytest.mark.parametrize("width", [1, 5, 7])
def test_width_below_minimum_raises(width):
    with pytest.raises(ValueError, match="at least 8 spectral points"):
        CNNEncoder(width)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        CNNEncoder(32, kernel_size=4)
    enc = CNNEncoder(32, **SMALL)
    with pytest.raises(ValueError, match="n_features=32"):
        enc(torch.zeros(2, 40))
    with pytest.raises(ValueError, match="expects input of shape"):
        enc(torch.zeros(2, 3, 32))
    with pytest.raises(ValueError, match="layer must be"):
        enc.forward_features(torch.zeros(2, 32), layer=4)


def test_recognition_net_shapes_and_heads():
    net = TransformRecognitionNet(40, hidden=(16, 8), **SMALL)
    assert net(torch.randn(5, 40)).shape == (5, 7)
    assert isinstance(net.heads, nn.ModuleList) and len(net.heads) == 7
    assert net.heads[0].in_features == net.encoder.n_outputs == 8 * 5
    net3 = TransformRecognitionNet(17, n_tasks=3, hidden=(4,), **SMALL)
    assert net3(torch.randn(2, 17)).shape == (2, 3)


def test_gradients_reach_every_parameter():
    # no dropout: with tiny heads dropout (and dead ReLUs) could zero a branch
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = TransformRecognitionNet(24, hidden=(16, 8), dropout=0.0, **SMALL)
        out = net.train()(torch.randn(6, 24))
    out.sum().backward()
    for name, p in net.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_train_and_eval_modes():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = TransformRecognitionNet(32, hidden=(16, 8), **SMALL)
        x = torch.randn(8, 32)
        net.train()
        a, b = net(x), net(x)
    # dropout: two training passes differ
    assert not torch.allclose(a, b)
    # batchnorm: running statistics updated in training mode only
    bn = net.encoder.blocks[0][2]
    assert bn.num_batches_tracked.item() == 2
    net.eval()
    with torch.no_grad():
        c, d = net(x), net(x)
        single = net(x[:1])
    torch.testing.assert_close(c, d)
    torch.testing.assert_close(single, c[:1])
    assert bn.num_batches_tracked.item() == 2


def test_config_round_trip():
    net = TransformRecognitionNet(
        30, n_tasks=5, hidden=(12, 6), dropout=0.3, norm_each_conv=True, **SMALL
    ).eval()
    config = json.loads(json.dumps(net.get_config()))
    rebuilt = TransformRecognitionNet.from_config(config).eval()
    rebuilt.load_state_dict(net.state_dict())
    x = torch.randn(4, 30)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(x), net(x))
    assert rebuilt.get_config() == config

    enc = net.encoder
    enc2 = CNNEncoder(**json.loads(json.dumps(enc.get_config()))).eval()
    enc2.load_state_dict(enc.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(enc2(x), enc(x))
    # get_config returns a copy
    enc.get_config()["channels"].append(1)
    assert enc.config["channels"] == [4, 8, 8]


def test_seeded_output_pinned():
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = TransformRecognitionNet(16, channels=(4, 8, 8), hidden=(8, 4)).eval()
    x = torch.linspace(-1, 1, 32).reshape(2, 16)
    with torch.no_grad():
        out = net(x)[0]
    expected = torch.tensor(
        [0.080787, -0.070277, 0.247331, -0.083096, 0.096295, -0.324825, -0.34501]
    )
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)


def test_nn_imports_neither_sklearn_nor_skorch():
    import subprocess
    import sys

    code = (
        "import sys, sklspec.nn; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'skorch')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------ the inference path
def _with_running_stats(enc):
    """Batch norms with running statistics and affine parameters far from
    their initial values (so that folding them is not a no-op)."""
    gen = torch.Generator().manual_seed(0)
    for m in enc.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen))
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.randn(m.num_features, generator=gen))
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen))
    return enc.eval()


@pytest.mark.parametrize("norm_each_conv", [False, True])
@pytest.mark.parametrize("width", [17, 64])
def test_inference_path_matches_the_layers(monkeypatch, norm_each_conv, width):
    import sklspec.nn._cnn as cnn

    enc = _with_running_stats(CNNEncoder(width, **SMALL, norm_each_conv=norm_each_conv))
    x = torch.randn(5, width)
    with torch.no_grad():
        fast = enc(x, return_all=True)
        monkeypatch.setattr(cnn, "_INFERENCE_PATH", False)
        layers = enc(x, return_all=True)
    for a, b in zip(fast, layers, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
    assert (fast[-1] >= 0).all()


def test_inference_path_only_without_gradients_and_in_eval(monkeypatch):
    import sklspec.nn._cnn as cnn

    calls = []
    inference = cnn._block_inference
    monkeypatch.setattr(
        cnn, "_block_inference", lambda b, x: calls.append(1) or inference(b, x)
    )
    enc = _with_running_stats(CNNEncoder(32, **SMALL))
    x = torch.randn(3, 32)
    enc(x).sum().backward()  # with gradients: the layers' forward
    assert calls == []
    enc.train()
    with torch.no_grad():  # batch statistics: the layers' forward
        enc(x)
    assert calls == []
    enc.eval()
    with torch.no_grad():
        enc.forward_features(x, layer=2)
    assert calls == [1, 1]


def test_fold_batch_norm_without_affine_or_bias():
    from sklspec.nn._cnn import _fold_batch_norm

    conv = nn.Conv1d(2, 3, 3, padding=1, bias=False)
    bn = nn.BatchNorm1d(3, affine=False)
    bn.running_mean.fill_(0.3)
    bn.running_var.fill_(2.0)
    bn.eval()
    x = torch.randn(4, 2, 11)
    with torch.no_grad():
        folded = conv._conv_forward(x, *_fold_batch_norm(conv, bn))
        torch.testing.assert_close(folded, bn(conv(x)), atol=1e-6, rtol=1e-6)
