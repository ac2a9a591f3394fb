import numpy as np
import torch

from sklspec._torch import train_module
from sklspec.nn import ForwardLoss


class _CountingLoss(torch.nn.Module):
    """Returns its own loss and records the size of every batch it sees."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.batch_sizes = []

    def forward(self, x, target):
        if self.training:
            self.batch_sizes.append(len(x))
        return ((x * self.w - target) ** 2).mean()


def test_dict_inputs_are_batched_by_rows_not_by_keys():
    # a dict of two arrays once counted as 2 rows: every batch had 2 spectra
    X = {"x": np.ones((100, 3), np.float32), "target": np.ones((100, 3), np.float32)}
    module = _CountingLoss()
    trained, history = train_module(
        module,
        X,
        None,
        criterion=ForwardLoss,
        lr=0.1,
        max_epochs=2,
        batch_size=32,
        device="cpu",
        seed=0,
    )
    assert trained.batch_sizes == [32, 32, 32, 4] * 2
    assert len(history) == 2


def test_array_inputs_batch_size_is_capped_by_the_rows():
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 1)
            self.seen = []

        def forward(self, x):
            if self.training:
                self.seen.append(len(x))
            return self.lin(x)

    X = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    y = X[:, :1].copy()
    net, _ = train_module(
        Net(),
        X,
        y,
        criterion=torch.nn.MSELoss,
        lr=0.1,
        max_epochs=1,
        batch_size=64,
        device="cpu",
        seed=0,
    )
    assert net.seen == [10]
