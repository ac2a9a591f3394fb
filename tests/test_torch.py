"""The one torch core (sklspec._torch) and the rule that nothing else repeats it."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from sklspec._torch import (
    derive_seed,
    predict,
    predict_iter,
    resolve_device,
    seeded,
)

PACKAGE = Path(__file__).parents[1] / "sklspec"


def test_no_batched_inference_loop_or_seeding_block_outside_the_core():
    pattern = re.compile(r"no_grad\(|fork_rng\(|manual_seed\(|set_num_threads\(")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_torch.py" and path.parent == PACKAGE:
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if pattern.search(code) and not code.lstrip().startswith(">>>"):
                offenders.append(f"{path.relative_to(PACKAGE)}:{i}: {line.strip()}")
    assert offenders == []


def test_seeded_is_reproducible_and_restores_the_global_generator():
    torch.manual_seed(123)
    state = torch.random.get_rng_state()
    with seeded(7):
        a = torch.rand(3)
    assert torch.equal(torch.random.get_rng_state(), state)
    with seeded(7):
        b = torch.rand(3)
    assert torch.equal(a, b)
    assert derive_seed(0) == derive_seed(np.random.RandomState(0))


def test_resolve_device_refuses_what_is_not_here():
    assert resolve_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="not a torch device"):
        resolve_device("gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_finetuners_check_the_device_too():
    from sklspec.finetune import FineTunedRegressor

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    X = np.random.default_rng(0).normal(size=(10, 16))
    with pytest.raises(ValueError, match="CUDA is not available"):
        FineTunedRegressor(device="cuda", max_epochs=1).fit(X, X[:, 0])


def test_predict_batches_restores_mode_and_keeps_width_when_empty():
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Dropout(0.5)).train()
    X = np.random.default_rng(0).normal(size=(10, 4))
    out = predict(net, X, batch_size=3)
    assert net.training  # mode restored
    sizes = [len(b) for b in predict_iter(net, X, batch_size=3)]
    assert sizes == [3, 3, 3, 1]
    with torch.no_grad():  # eval-mode reference: dropout off
        ref = net.eval()(torch.as_tensor(X, dtype=torch.float32)).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-6)
    assert predict(net, np.zeros((0, 4))).shape == (0, 3)
