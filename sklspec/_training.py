"""The one place where sklspec trains a torch module (with skorch).

Both the embedders (pretraining) and the fine-tuned estimators go through
:func:`train_module`, so seeding, batching, progress display and history are
handled the same way everywhere.
"""

from __future__ import annotations

import numpy as np
import torch


def train_module(
    module: torch.nn.Module,
    X: np.ndarray,
    y,
    *,
    criterion,
    lr: float,
    max_epochs: int,
    batch_size: int,
    device: str,
    seed: int,
    verbose: int = 0,
    callbacks=None,
    optimizer=torch.optim.Adam,
    train_split=None,
    **net_kwargs,
):
    """Train ``module`` on ``(X, y)`` with a skorch ``NeuralNet``.

    Parameters
    ----------
    module : torch.nn.Module
        The initialised module (trained in place).
    X : ndarray or dict of ndarray
        Inputs (float32); a dict's arrays share their first axis and are
        passed to ``module.forward`` by keyword.
    y : ndarray or None
        Targets handed to ``criterion`` (None for losses computed from X only).
    criterion : torch.nn.Module class or instance
        skorch criterion.
    lr, max_epochs, batch_size : float, int, int
        Optimiser learning rate, epochs, mini-batch size.
    device : str
        Torch device.
    seed : int
        Seeds shuffling, dropout and anything random during training, inside
        :func:`torch.random.fork_rng` so the global torch state is untouched.
    verbose : int
        0 silent, 1 one line per epoch (epoch, losses, seconds).
    callbacks : list or None
        Extra skorch callbacks.
    optimizer : torch optimizer class
        Default Adam.
    train_split : callable or None
        skorch ``train_split`` (None: train on everything).
    **net_kwargs
        More ``NeuralNet`` parameters (``optimizer__weight_decay`` ...).

    Returns
    -------
    module : torch.nn.Module
        The trained module.
    history : list of dict
        One dict per epoch (``epoch``, ``train_loss``, ``dur``, and
        ``valid_loss`` when a validation split is used).
    """
    from skorch import NeuralNet
    from skorch.callbacks import PrintLog

    # X may be a dict of arrays (skorch passes its keys to forward): count
    # its rows, not its keys
    n = len(next(iter(X.values()))) if isinstance(X, dict) else len(X)
    batch_size = min(batch_size, n)
    # BatchNorm cannot train on a batch of one sample: drop such a last batch.
    drop_last = n > batch_size and n % batch_size == 1
    net = NeuralNet(
        module=module,
        criterion=criterion,
        optimizer=optimizer,
        lr=lr,
        max_epochs=max_epochs,
        batch_size=batch_size,
        train_split=train_split,
        callbacks=list(callbacks or []),
        iterator_train__shuffle=True,
        iterator_train__drop_last=drop_last,
        device=device,
        verbose=int(verbose),
        **net_kwargs,
    )
    net.set_params(
        callbacks__print_log=PrintLog(keys_ignored=("batches",)) if verbose else None
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net.initialize()
        net.fit(X, y)
    history = [{k: v for k, v in row.items() if k != "batches"} for row in net.history]
    losses = [row.get("train_loss", 0.0) for row in history]
    if not np.all(np.isfinite(losses)):
        raise FloatingPointError(
            f"training of {type(module).__name__} diverged (non-finite loss); "
            "lower lr or standardise the spectra (e.g. SNV) first."
        )
    return net.module_, history
