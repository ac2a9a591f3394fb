"""Low- to high-fidelity spectrum converter through a frozen VAE decoder."""

from __future__ import annotations

from numbers import Real

import numpy as np
import torch
from sklearn.base import _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from ..nn import ForwardLoss, LatentConverterNet, SpectralVAE
from ..utils._validation import check_2d
from ._base import BaseEmbedder
from ._vae import VAEEmbedder

__all__ = ["NIRtoMIRConverter"]

OUTPUTS = ("spectrum", "latent")


def _unwrap(est):
    return est.estimator if isinstance(est, FrozenEstimator) else est


def _is_fitted(est) -> bool:
    try:
        check_is_fitted(_unwrap(est))
    except NotFittedError:
        return False
    return True


class NIRtoMIRConverter(BaseEmbedder):
    """Convert low-fidelity spectra (e.g. NIR) into high-fidelity ones (e.g. MIR).

    Stage 2 of the SSML framework of Sun et al. (2025): the decoder of a VAE
    trained on the high-fidelity instrument (:class:`VAEEmbedder`,
    ``mir_embedder``) is frozen, and a new encoder is trained on paired scans
    so that the low-fidelity spectrum of a sample lands where the
    high-fidelity VAE puts that sample:

    - *latent loss*: mean squared difference between the new encoder's output
      and the VAE's latent means of the paired high-fidelity spectra;
    - *spectrum loss*: mean squared difference, in the VAE's standardised
      units, between the frozen decoder's output and the paired
      high-fidelity spectrum.

    The names say NIR and MIR (the paper's case) but any pair of instruments
    measuring the same samples works: a portable and a benchtop NIR, a
    secondary and a master instrument (calibration transfer), vis-NIR and MIR.
    :meth:`transform` returns predicted high-fidelity spectra
    (``output="spectrum"``) or the latent vectors (``output="latent"``), so a
    model calibrated on high-fidelity spectra or on their VAE embeddings can
    be applied to low-fidelity scans.

    The decoder's parameters keep ``requires_grad=False`` and are never
    updated; the saved converter is self-contained (encoder, frozen decoder
    and both scalings), so :meth:`save_pretrained` / :meth:`from_pretrained`
    do not need the VAE.

    Parameters
    ----------
    mir_embedder : VAEEmbedder, FrozenEstimator of one, or None, default=None
        The high-fidelity VAE. A fitted one (as is or wrapped in
        :class:`sklearn.frozen.FrozenEstimator`) is used unchanged; an
        unfitted one (None means ``VAEEmbedder()``) is cloned and **fitted
        on the high-fidelity spectra passed to** :meth:`fit` first. Note that
        :func:`sklearn.base.clone` drops fitted state: a cloned converter (as
        in cross-validation) refits an unwrapped VAE on each training part,
        while a ``FrozenEstimator`` is kept.
    hidden : tuple of int, default=(256, 256)
        Hidden widths of the new encoder (an MLP).
    latent_loss_weight : float, default=1.0
        Weight of the latent loss.
    spectrum_loss_weight : float, default=1.0
        Weight of the spectrum loss (at least one weight must be positive).
    output : {"spectrum", "latent"}, default="spectrum"
        What :meth:`transform` returns. May be changed after fitting.
    weights : str, path-like or None, default=None
        Directory written by :meth:`save_pretrained`; with ``max_epochs=0``
        :meth:`fit` only loads it (the VAE is then not needed).
    max_epochs : int, default=300
        Training epochs of the encoder.
    batch_size : int, default=32
        Mini-batch size.
    lr : float, default=1e-3
        Adam learning rate.
    {device}
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation and shuffling (and a default VAE's training).
    {verbose}
    {callbacks}
    {checkpoint}
    {accelerator}

    Attributes
    ----------
    module_ : LatentConverterNet
        The new encoder and the frozen decoder.
    mir_embedder_ : VAEEmbedder, FrozenEstimator or None
        The high-fidelity VAE used (None after loading saved weights).
    n_outputs_ : int
        Points of the high-fidelity spectra.
    latent_dim_ : int
        Size of the latent space.
    history_ : list of dict
        Per-epoch loss and duration.
    training_summary_ : dict
        Pairs seen, epochs, seconds, final loss, and ``mir_embedder_fitted``
        (True when the VAE was fitted here).
    {attributes_in}

    See Also
    --------
    sklspec.embedders.VAEEmbedder : The high-fidelity VAE.
    sklspec.evaluation.multifidelity_table : Compare the five feature sets.

    References
    ----------
    .. [1] L. Sun et al., "Self-supervised and multi-fidelity learning for
       extended predictive soil spectroscopy", arXiv:2511.15965 (2025).

    Examples
    --------
    >>> from sklspec.datasets import make_paired_spectra
    >>> from sklspec.embedders import NIRtoMIRConverter, VAEEmbedder
    >>> d = make_paired_spectra(n_samples=40, random_state=0)
    >>> vae = VAEEmbedder(latent_dim=4, hidden=(32,), max_epochs=2, random_state=0)
    >>> conv = NIRtoMIRConverter(vae, hidden=(32,), max_epochs=2, random_state=0)
    >>> conv.fit(d.X_low, d.X_high).transform(d.X_low).shape
    (40, 512)
    >>> conv.set_params(output="latent").transform(d.X_low).shape
    (40, 4)
    """

    _module_type = LatentConverterNet
    _architecture_params = ("hidden",)
    _unsaved_params = (*BaseEmbedder._unsaved_params, "mir_embedder")

    _parameter_constraints: dict = {
        **BaseEmbedder._parameter_constraints,
        "mir_embedder": [HasMethods(["fit", "transform"]), None],
        "hidden": [tuple, list],
        "latent_loss_weight": [Interval(Real, 0, None, closed="left")],
        "spectrum_loss_weight": [Interval(Real, 0, None, closed="left")],
        "output": [StrOptions(set(OUTPUTS))],
    }

    def __init__(
        self,
        mir_embedder=None,
        *,
        hidden=(256, 256),
        latent_loss_weight: float = 1.0,
        spectrum_loss_weight: float = 1.0,
        output: str = "spectrum",
        weights=None,
        max_epochs: int = 300,
        batch_size: int = 32,
        lr: float = 1e-3,
        device: str = "cpu",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
        checkpoint=None,
        accelerator=None,
    ):
        self.mir_embedder = mir_embedder
        self.hidden = hidden
        self.latent_loss_weight = latent_loss_weight
        self.spectrum_loss_weight = spectrum_loss_weight
        self.output = output
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

    #: Paired NIR/MIR scans are few and in memory: no streamed fit.
    _supports_streaming = False

    # ---------------------------------------------------------------- hooks
    def _vae_module(self) -> SpectralVAE:
        module = getattr(_unwrap(self.mir_embedder_), "module_", None)
        if not isinstance(module, SpectralVAE):
            raise TypeError(
                "mir_embedder must be a sklspec VAEEmbedder (or a FrozenEstimator "
                f"of one), got {type(_unwrap(self.mir_embedder_)).__name__}."
            )
        return module

    def _build_module(self, n_features: int) -> torch.nn.Module:
        vae = self._vae_module()
        net = LatentConverterNet(
            n_features,
            vae.n_features,
            vae.latent_dim,
            hidden=tuple(self.hidden),
            decoder_hidden=tuple(vae.get_config()["hidden"]),
            latent_loss_weight=self.latent_loss_weight,
            spectrum_loss_weight=self.spectrum_loss_weight,
        )
        net.set_decoder(vae)
        return net

    #: Rows per batch of :meth:`transform` at least: the converter is a stack
    #: of dense layers, whose matmuls run near the machine's matmul rate only
    #: with many rows (the training ``batch_size`` of 32 reaches ~0.3 of it,
    #: 1,024 rows ~0.6, ``benchmarks/speed.py``).
    _embed_rows = 1024

    def _make_training_data(self, X, rng, Y=None, Z=None, **kw):
        data = {"x": X}
        if self.latent_loss_weight > 0:
            data["z_target"] = Z
        if self.spectrum_loss_weight > 0:
            data["y_target"] = Y
        return data, None

    def _make_criterion(self):
        return ForwardLoss()

    def _embed_options(self) -> dict:
        return {"output": self.output}

    def _module_config_overrides(self) -> dict:
        return {
            "latent_loss_weight": float(self.latent_loss_weight),
            "spectrum_loss_weight": float(self.spectrum_loss_weight),
        }

    def _extra_config(self) -> dict:
        names = getattr(self, "output_feature_names_", None)
        return {"output_feature_names": None if names is None else list(names)}

    def _restore_extra(self, extra: dict) -> None:
        names = extra.get("output_feature_names")
        if not hasattr(self, "output_feature_names_") or names is not None:
            self.output_feature_names_ = (
                None if names is None else np.asarray(names, dtype=object)
            )

    def _set_fitted_attributes(self) -> None:
        if not hasattr(self, "mir_embedder_"):
            self.mir_embedder_ = None
        config = self.module_.get_config()
        self.n_outputs_ = int(config["n_outputs"])
        self.latent_dim_ = int(config["latent_dim"])

    def _legacy_module(self, config: dict, n_features: int):
        module_config = config.get("module_config")
        if module_config is None:
            raise ValueError(
                "The saved converter has no module_config; it was not written by "
                "NIRtoMIRConverter.save_pretrained()."
            )
        self._restore_extra(
            {"output_feature_names": config.get("output_feature_names")}
        )
        return LatentConverterNet(
            **{**module_config, **self._module_config_overrides()}
        )

    def get_encoder(self) -> torch.nn.Module:
        """Return the new encoder (low-fidelity spectra to latent vectors).

        Returns
        -------
        encoder : torch.nn.Module
            Maps ``(N, n_points_low)`` spectra to ``(N, latent_dim)``.
        """
        return super().get_encoder()

    # ------------------------------------------------------------ estimator
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Train the low-fidelity encoder on paired scans.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points_low)
            Low-fidelity (e.g. NIR) spectra.
        y : array-like of shape (n_samples, n_points_high)
            The paired high-fidelity (e.g. MIR) spectra of the same samples,
            row by row (a 1-D ``y`` is one point per sample).

        Returns
        -------
        self : NIRtoMIRConverter
            The fitted converter.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None: pass the paired high-fidelity spectra."
            )
        if self.latent_loss_weight == 0 and self.spectrum_loss_weight == 0:
            raise ValueError(
                "latent_loss_weight and spectrum_loss_weight are both 0: nothing "
                "to train; make at least one positive."
            )
        Y = check_array(
            y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y"
        )
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        self._refuse_stream(X)  # before check_2d, which would call it 0-D
        check_2d(X)  # before the lengths of X and y are compared
        check_consistent_length(X, Y)
        names = getattr(y, "columns", None)
        self.output_feature_names_ = (
            np.asarray(names, dtype=object)
            if names is not None and all(isinstance(c, str) for c in names)
            else None
        )
        only_load = self.weights is not None and self.max_epochs == 0
        self.mir_embedder_ = None
        fitted_here = False
        Z = None
        if not only_load:
            mir = self.mir_embedder if self.mir_embedder is not None else VAEEmbedder()
            if getattr(_unwrap(mir), "grid", None) is not None:
                raise ValueError(
                    "mir_embedder has a canonical grid "
                    f"(grid={_unwrap(mir).grid!r}), but the converter decodes "
                    "into the MIR points themselves, in their units: pass a "
                    "VAEEmbedder with grid=None."
                )
            if not _is_fitted(mir):
                mir = clone(mir)
                if (
                    getattr(mir, "random_state", 0) is None
                    and self.random_state is not None
                ):
                    mir.set_params(random_state=self._seed())
                mir.fit(Y)
                fitted_here = True
            self.mir_embedder_ = mir
            vae = self._vae_module()
            if vae.n_features != Y.shape[1]:
                raise ValueError(
                    f"y has {Y.shape[1]} points but mir_embedder was fitted on "
                    f"{vae.n_features}."
                )
            Z = _unwrap(mir).transform(Y.astype(np.float32)).astype(np.float32)
        self._fit(X, Y=Y.astype(np.float32), Z=Z)
        self.training_summary_["mir_embedder_fitted"] = fitted_here
        return self

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored (checked against ``feature_names_in_`` when given).

        Returns
        -------
        names : ndarray of str
            For ``output="spectrum"``, the column names of a DataFrame ``y``
            given to :meth:`fit` (the high-fidelity wavelengths) when it had
            string columns, else ``nirtomirconverter0`` ...; for
            ``output="latent"``, ``nirtomirconverter0`` ... .
        """
        check_is_fitted(self)
        names = getattr(self, "output_feature_names_", None)
        if self.output == "spectrum" and names is not None:
            return names.copy()
        return super().get_feature_names_out(input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def transform(self, X):
        """Predict high-fidelity spectra (or latent vectors) from low-fidelity ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_points_low)
            Low-fidelity spectra.

        Returns
        -------
        Y_hat : ndarray of shape (n_samples, n_points_high) or (n_samples, latent_dim)
            Per ``output``; float32 for float32 input, else float64.
        """
        return super().transform(X)
