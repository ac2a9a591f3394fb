"""Losses of the transformation-recognition pretext task.

Pure torch: this module never imports scikit-learn or skorch.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._heads import ConfigMixin

__all__ = ["ForwardLoss", "MultiTaskBCELoss"]


def _as_vector(name: str, value) -> torch.Tensor | None:
    if value is None:
        return None
    t = torch.as_tensor(value, dtype=torch.float32).flatten()
    if t.numel() == 0 or not torch.isfinite(t).all() or (t < 0).any():
        raise ValueError(f"{name} must be finite and non-negative, got {value!r}.")
    return t


class MultiTaskBCELoss(ConfigMixin, nn.Module):
    """Weighted average of per-task ``BCEWithLogits`` losses (Zhao et al. §3.1.1.2).

    For logits ``z`` and targets ``y`` of shape ``(N, T)``, the loss of task
    ``j`` is the mean over the ``N`` examples of the binary cross-entropy
    (eqn (1), written there without its minus sign)::

        L_j = -mean_i [ p_j y_ij log s(z_ij) + (1 - y_ij) log(1 - s(z_ij)) ]

    with ``s`` the sigmoid and ``p_j`` the optional ``pos_weight``. The total
    is eqn (2), ``L_total = sum_j a_j L_j``, with the weights ``a_j``
    normalised to sum to one (the paper calls it a weighted *average*). The
    paper does not give its coefficients; the default is equal weights, i.e.
    the mean of the task losses.

    Parameters
    ----------
    weights : sequence of float, optional
        Non-negative task weights ``a_j`` (length ``T``), normalised to sum to
        one. Default: equal weights.
    pos_weight : float or sequence of float, optional
        Weight of the positive examples, per task or one for all, as in
        :class:`torch.nn.BCEWithLogitsLoss`. With one-hot targets each branch
        sees one positive for ``T - 1`` negatives; ``pos_weight=T - 1``
        balances them. Default: none (the paper does not mention it).

    Examples
    --------
    >>> import torch
    >>> loss = MultiTaskBCELoss()
    >>> logits, targets = torch.zeros(4, 7), torch.eye(7)[[0, 1, 2, 3]]
    >>> round(loss(logits, targets).item(), 4)  # log(2)
    0.6931
    >>> total, per_task = loss(logits, targets, return_per_task=True)
    >>> per_task.shape
    torch.Size([7])
    """

    def __init__(
        self,
        weights: Sequence[float] | None = None,
        pos_weight: float | Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        w = _as_vector("weights", weights)
        if w is not None and w.sum() <= 0:
            raise ValueError("weights must not all be zero.")
        pw = _as_vector("pos_weight", pos_weight)
        self._set_config(
            weights=None if w is None else w.tolist(),
            pos_weight=None if pw is None else pw.tolist(),
        )
        self.register_buffer("weights", None if w is None else w / w.sum())
        self.register_buffer("pos_weight", pw)

    def forward(
        self,
        logits: torch.Tensor,
        targets: torch.Tensor,
        return_per_task: bool = False,
    ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Compute the loss.

        Parameters
        ----------
        logits : torch.Tensor of shape (N, T)
            Outputs of the ``T`` binary branches.
        targets : torch.Tensor of shape (N, T)
            Binary (or soft) targets in ``[0, 1]``.
        return_per_task : bool, default=False
            Also return the ``T`` unweighted task losses ``L_j``.

        Returns
        -------
        loss : torch.Tensor
            Scalar ``sum_j a_j L_j``.
        per_task : torch.Tensor of shape (T,)
            Only when ``return_per_task``.
        """
        if logits.ndim == 1:
            logits = logits.unsqueeze(1)
        targets = targets.to(dtype=logits.dtype).reshape(logits.shape)
        n_tasks = logits.shape[1]
        if self.weights is not None and self.weights.numel() != n_tasks:
            raise ValueError(
                f"weights has {self.weights.numel()} values but the logits have "
                f"{n_tasks} tasks."
            )
        if self.pos_weight is not None and self.pos_weight.numel() not in (
            1,
            n_tasks,
        ):
            raise ValueError(
                f"pos_weight has {self.pos_weight.numel()} values but the logits "
                f"have {n_tasks} tasks."
            )
        pos_weight = None
        if self.pos_weight is not None:
            pos_weight = self.pos_weight.to(logits.dtype).expand(n_tasks)
        per_sample = F.binary_cross_entropy_with_logits(
            logits, targets, reduction="none", pos_weight=pos_weight
        )
        per_task = per_sample.mean(dim=0)
        if self.weights is None:
            total = per_task.mean()
        else:
            total = (per_task * self.weights.to(per_task.dtype)).sum()
        return (total, per_task) if return_per_task else total


class ForwardLoss(nn.Module):
    """skorch criterion for modules that compute their own loss.

    ``forward(y_pred, y_true)`` returns ``y_pred[0]`` when the module output
    is a tuple or list (``(loss, ...)``, as :class:`SpectralVAE`,
    :class:`LatentConverterNet` and :class:`MaskedAutoencoder1d` return), else
    ``y_pred`` itself. ``y_true`` (skorch's placeholder when ``y`` is None)
    is ignored.

    Examples
    --------
    >>> import torch
    >>> ForwardLoss()((torch.tensor(2.0), None), None)
    tensor(2.)
    """

    def forward(self, y_pred, y_true=None) -> torch.Tensor:
        """Return the module's own loss."""
        return y_pred[0] if isinstance(y_pred, tuple | list) else y_pred
