"""Transformation-recognition CNN embedder (Zhao et al. 2025)."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._torch import predict
from ..augmentation import TRANSFORMATIONS, make_pretext_dataset
from ..exceptions import DataLimitWarning
from ..nn import MultiTaskBCELoss, TransformRecognitionModel
from ..nn._heads import FEATURE_MAP_POOLINGS
from ._base import BaseEmbedder

__all__ = ["TransformRecogEmbedder"]


class TransformRecogEmbedder(BaseEmbedder):
    """Self-supervised CNN embedder trained to recognise spectral transformations.

    The pretext stage of Zhao et al. (2025, Anal. Methods 17:1090): every
    unlabelled spectrum yields seven examples, itself and six transformed
    copies (Gaussian noise, offset, multiplication, horizontal flip, vertical
    flip, permutation of segments). A 1-D CNN shared encoder (three blocks
    of two ``Conv1d(k=3)`` + BatchNorm + ReLU + MaxPool(2); 32, 64, 128
    filters) feeds seven binary heads (three fully connected layers, ReLU,
    dropout 0.5) trained with a weighted BCE-with-logits loss.
    :meth:`transform` returns the feature map of conv block ``layer``,
    pooled. The encoder is fine-tuned on labels by
    :class:`~sklspec.finetune.FineTunedClassifier`.

    The defaults are a narrower network and a shorter schedule than the
    paper's, made for a CPU (1,000 spectra of 500 points pretrain in about a
    minute on 2 cores, see the user guide), with pretext magnitudes at which
    offset and multiplication are recognisable (at the paper's 0.05 / 0.1 x
    std and 0.9-1.1 they stay at chance level, ``benchmarks/results/
    transform_recog.md``, Table 3). ``TransformRecogEmbedder.from_preset(
    "paper")`` gives the paper's network, schedule and magnitudes.

    Spectra are standardised inside the network with one global mean and
    standard deviation of the training spectra (so offsets and gains between
    spectra stay visible to the pretext task); spectra narrower than 8 points
    are edge-padded.

    Parameters
    ----------
    layer : {1, 2, 3}, default=3
        Conv block whose feature map :meth:`transform` returns.
    pooling : {"flatten", "avg", "max", "avgmax"}, default="avg"
        How the ``(channels, length)`` feature map becomes a vector:
        ``"flatten"`` keeps everything (``channels * length`` features),
        ``"avg"``/``"max"`` pool over the wavelength axis (``channels``
        features), ``"avgmax"`` concatenates both.
    channels : tuple of int, default=(16, 32, 64)
        Filters of each conv block (paper: 32, 64, 128).
    kernel_size : int, default=3
        Convolution width.
    hidden : tuple of int, default=(64,)
        Hidden widths of each recognition head (paper: 256, 128).
    dropout : float, default=0.5
        Dropout in the heads.
    transformations : tuple of str or None, default=None
        Pretext transformations, a subset of ``("noise", "offset",
        "multiply", "flip_horizontal", "flip_vertical", "permute")``; None
        uses all six (the paper's multi-task set). One head per
        transformation plus one for "original".
    noise_scale : float, default=0.1
        Standard deviation of the Gaussian noise, relative to the standard
        deviation of the training spectra.
    offset_scale : float, default=0.5
        Standard deviation of the random offset, same unit.
    factor_range : tuple of float, default=(0.5, 1.5)
        Range of the random multiplication factor (the paper gives none).
    n_segments : int, default=4
        Segments shuffled by the permutation transformation (the paper's m).
    task_weights : array-like of float or None, default=None
        Weight of each head in the loss (paper eqn 2); None weighs them
        equally.
    {grid}
    {weights}
    max_epochs : int, default=10
        Pretraining epochs (paper: 100).
    batch_size : int, default=64
        Mini-batch size (paper: 32).
    lr : float, default=1e-3
        Adam learning rate (paper: 1e-4).
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds the pretext data, initialisation and shuffling; torch's global
        random state is untouched.
    {verbose}
    {callbacks}
    {checkpoint}
    {accelerator}

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained recognition network (behind its input scaler).
    history_ : list of dict
        Per-epoch training loss and duration.
    training_summary_ : dict
        Spectra seen, epochs, seconds, final loss.
    task_names_ : tuple of str
        The heads, ``("original", *transformations)``.
    {attributes_in}

    See Also
    --------
    sklspec.finetune.FineTunedClassifier : Fine-tune the encoder on labels.
    sklspec.augmentation.make_pretext_dataset : The pretext data.

    References
    ----------
    .. [1] R. Zhao, W. Li, J. Xu, L. Chen, X. Wei, X. Kong, "A CNN-based
       self-supervised learning framework for small-sample near-infrared
       spectroscopy classification", Anal. Methods 17 (2025) 1090.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.embedders import TransformRecogEmbedder
    >>> X, y = make_spectra(n_samples=40, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> emb = TransformRecogEmbedder(max_epochs=1, channels=(4, 8, 8),
    ...                              random_state=0).fit(X)
    >>> emb.transform(X).shape
    (40, 8)
    """

    _module_type = TransformRecognitionModel
    #: Settings of the paper (Zhao et al. 2025): network, schedule and the
    #: pretext magnitudes 0.05 / 0.1 of the spectra's standard deviation.
    presets = {
        "paper": dict(
            channels=(32, 64, 128),
            hidden=(256, 128),
            noise_scale=0.05,
            offset_scale=0.1,
            factor_range=(0.9, 1.1),
            max_epochs=100,
            batch_size=32,
            lr=1e-4,
        )
    }
    _architecture_params = (
        "channels",
        "kernel_size",
        "hidden",
        "transformations",
    )

    _parameter_constraints: dict = {
        **BaseEmbedder._parameter_constraints,
        "grid": BaseEmbedder._grid_constraint,
        "layer": [Interval(Integral, 1, None, closed="left")],
        "pooling": [StrOptions(set(FEATURE_MAP_POOLINGS))],
        "channels": [tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "hidden": [tuple, list],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "transformations": [tuple, list, None],
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "offset_scale": [Interval(Real, 0, None, closed="left")],
        "factor_range": [tuple, list],
        "n_segments": [Interval(Integral, 2, None, closed="left")],
        "task_weights": ["array-like", None],
    }

    def __init__(
        self,
        *,
        layer: int = 3,
        pooling: str = "avg",
        channels=(16, 32, 64),
        kernel_size: int = 3,
        hidden=(64,),
        dropout: float = 0.5,
        transformations=None,
        noise_scale: float = 0.1,
        offset_scale: float = 0.5,
        factor_range=(0.5, 1.5),
        n_segments: int = 4,
        task_weights=None,
        grid=None,
        weights=None,
        max_epochs: int = 10,
        batch_size: int = 64,
        lr: float = 1e-3,
        device: str = "cpu",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        checkpoint=None,
        accelerator=None,
    ):
        self.layer = layer
        self.pooling = pooling
        self.channels = channels
        self.kernel_size = kernel_size
        self.hidden = hidden
        self.dropout = dropout
        self.transformations = transformations
        self.noise_scale = noise_scale
        self.offset_scale = offset_scale
        self.factor_range = factor_range
        self.n_segments = n_segments
        self.task_weights = task_weights
        self.grid = grid
        self.weights = weights
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.checkpoint = checkpoint
        self.accelerator = accelerator

    # ---------------------------------------------------------------- hooks
    def _transformation_names(self) -> tuple[str, ...]:
        names = (
            tuple(TRANSFORMATIONS)
            if self.transformations is None
            else (tuple(self.transformations))
        )
        unknown = [n for n in names if n not in TRANSFORMATIONS]
        if unknown or not names:
            raise ValueError(
                f"Unknown transformations {unknown}; choose from "
                f"{list(TRANSFORMATIONS)}."
            )
        return names

    def _build_module(self, n_features: int) -> torch.nn.Module:
        if self.layer > len(self.channels):
            raise ValueError(
                f"layer={self.layer} but the encoder has only "
                f"{len(self.channels)} blocks (channels={self.channels})."
            )
        names = self._transformation_names()
        if self.kernel_size > n_features:
            warnings.warn(
                f"TransformRecogEmbedder: kernel_size={self.kernel_size} is wider "
                f"than the spectra (n_features={n_features} points), so the "
                "convolutions see mostly zero padding. Use a kernel_size of at "
                f"most {n_features}, or longer spectra.",
                DataLimitWarning,
                stacklevel=4,
            )
        if "permute" in names and self.n_segments > n_features:
            warnings.warn(
                f"TransformRecogEmbedder: n_segments={self.n_segments} exceeds "
                f"the number of spectral points, n_features={n_features}; the "
                f"permutation pretext cuts the spectra into {n_features} "
                "segments instead. Use fewer segments, or leave 'permute' out "
                "of transformations.",
                DataLimitWarning,
                stacklevel=4,
            )
        return TransformRecognitionModel(
            n_features,
            n_tasks=1 + len(names),
            channels=tuple(self.channels),
            kernel_size=self.kernel_size,
            hidden=tuple(self.hidden),
            dropout=self.dropout,
        )

    def _set_fitted_attributes(self) -> None:
        self.task_names_ = ("original", *self._transformation_names())

    def _pretext(self, X: np.ndarray, rng, reference_std: float | None = None):
        names = self._transformation_names()
        return make_pretext_dataset(
            X,
            transformations=names,
            random_state=rng,
            noise_scale=self.noise_scale,
            offset_scale=self.offset_scale,
            factor_range=tuple(self.factor_range),
            n_segments=min(self.n_segments, X.shape[1]),  # warned at fit
            reference_std=reference_std or float(np.std(X)) or 1.0,
        )

    def _make_training_data(self, X, rng, reference_std=None, **kw):
        # in a streamed fit X is one batch: the noise and offset scales stay
        # those of the whole library (reference_std from the streaming pass)
        X_pre, Y, _ = self._pretext(X, rng, reference_std)
        return X_pre.astype(np.float32), Y.astype(np.float32)

    def _stream_rows_per_batch(self) -> int:
        # every spectrum of a batch comes back once per view (original +
        # each transformation): batch_size pretext rows per step, as in
        # memory
        n_views = 1 + len(self._transformation_names())
        return max(2, -(-int(self.batch_size) // n_views))

    #: Rows per batch of :meth:`transform`, whatever ``batch_size`` (not a
    #: minimum as for the dense embedders): the CNN's feature maps of 32
    #: spectra stay in cache (on 1,700 points 32 rows embed ~30 % faster than
    #: 128, ``benchmarks/speed.py``). The outputs do not depend on the batching.
    _embed_rows = 32

    def _embed_batch_size(self) -> int:
        return int(self._embed_rows)

    def _make_criterion(self):
        n_tasks = 1 + len(self._transformation_names())
        if self.task_weights is not None:
            w = np.asarray(self.task_weights, dtype=float)
            if w.shape != (n_tasks,):
                raise ValueError(
                    f"task_weights must have {n_tasks} values (one per head: "
                    f"original + {n_tasks - 1} transformations), got {w.shape}."
                )
            return MultiTaskBCELoss(weights=torch.as_tensor(w, dtype=torch.float32))
        return MultiTaskBCELoss()

    def _embed_options(self) -> dict:
        if self.layer > len(self.channels):
            raise ValueError(
                f"layer={self.layer} but the encoder has only "
                f"{len(self.channels)} blocks (channels={self.channels})."
            )
        return {"layer": self.layer, "pooling": self.pooling}

    def get_encoder(self) -> torch.nn.Module:
        """Return the input scaler followed by the CNN encoder.

        Returns
        -------
        encoder : torch.nn.Module
            Maps ``(N, n_points)`` spectra to the ``(N, channels[-1], L/8)``
            feature map of the last block (weights shared with ``module_``).
        """
        return super().get_encoder()

    def fit(self, X, y=None):
        """Pretrain on unlabelled spectra with the transformation-recognition task.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_spectra, n_points)
            Unlabelled spectra (never include test spectra unless you mean a
            transductive protocol).
        y : None
            Ignored.

        Returns
        -------
        self : TransformRecogEmbedder
            The fitted embedder.
        """
        return super().fit(X, y)

    def recognition_report(self, X, *, random_state=0) -> dict:
        """Score the pretext task: per-transformation accuracy and F1 (Table 3).

        A fresh pseudo-labelled set is generated from ``X`` (use spectra the
        embedder was not trained on), every head predicts "applied or not",
        and each head is scored against its binary target.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.
        random_state : int, default=0
            Seed of the generated transformations.

        Returns
        -------
        report : dict
            ``{task_name: {"accuracy": float, "f1": float}}`` plus an
            ``"overall"`` entry with the mean accuracy and F1 over heads, and
            ``"exact_match"``, the share of examples whose seven answers are
            all right.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        X_pre, Y, _ = self._pretext(
            X.astype(np.float32), np.random.default_rng(random_state)
        )
        pred = predict(self.module_, X_pre, batch_size=max(self.batch_size, 256)) > 0
        truth = Y > 0.5
        report = {}
        for j, name in enumerate(self.task_names_):
            tp = np.sum(pred[:, j] & truth[:, j])
            fp = np.sum(pred[:, j] & ~truth[:, j])
            fn = np.sum(~pred[:, j] & truth[:, j])
            f1 = 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0
            report[name] = {
                "accuracy": float(np.mean(pred[:, j] == truth[:, j])),
                "f1": float(f1),
            }
        report["overall"] = {
            "accuracy": float(np.mean([r["accuracy"] for r in report.values()])),
            "f1": float(np.mean([r["f1"] for r in report.values()])),
            "exact_match": float(np.mean(np.all(pred == truth, axis=1))),
        }
        return report
