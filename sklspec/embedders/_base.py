"""The base class of every sklspec embedder.

An embedder is a scikit-learn transformer that *holds* a torch module built
inside :meth:`BaseEmbedder.fit` (so :func:`sklearn.base.clone` and
:class:`~sklearn.model_selection.GridSearchCV` behave), trains it with skorch,
and embeds spectra in batches under :func:`torch.no_grad`. No torch tensor
crosses the scikit-learn API: numpy in, numpy out.

The torch work (device, seeding, training, batched inference) is done by
:mod:`sklspec._torch`; the network is a :class:`~sklspec.nn.PretrainingModule`
reached only through its protocol (``embed``, ``get_encoder``,
``fit_input_statistics``, ``get_config``). Subclasses implement hooks:

``_build_module(n_features)``
    Return the (untrained) pretraining network for spectra of that width.
``_make_training_data(X, rng)``
    Return ``(X_train, y_train)`` arrays fed to skorch (e.g. a pretext set).
``_make_criterion()``
    Return the skorch criterion (a :class:`torch.nn.Module` class or instance).
``_embed_options()``
    Read-out keyword arguments of ``module_.embed`` (pooling, layer ...).
``_architecture_params``
    Names of the constructor parameters that define the architecture; they
    are checked against ``config.json`` when loading weights.
``_unsaved_params``, ``_extra_config``, ``_restore_extra``,
``_module_config_overrides``, ``_set_fitted_attributes``, ``_legacy_module``
    Persistence hooks (see their docstrings); no subclass overrides
    :meth:`~BaseEmbedder.save_pretrained` or
    :meth:`~BaseEmbedder.from_pretrained`.

Saved embedders are directories of ``config.json`` + ``model.safetensors``
(format 2). Directories of format 1 (``model.pt``) still load, with a
:class:`DeprecationWarning`.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
    clone,
)
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from .._stream import (
    BLOCK_ROWS,
    SpectraSource,
    _is_disk_array,
    is_stream,
    stream_moments,
)
from .._torch import (
    BatchStream,
    derive_seed,
    n_rows,
    predict,
    resolve_device,
    seeded,
    train_module,
)
from .._version import __version__
from ..nn import PretrainingModule, module_class
from ..preprocessing import CanonicalGrid
from ..preprocessing._canonical import STATS_NAMES
from ..pretrained._registry import SHIPPED, resolve_weights
from ..utils._docs import fill_doc
from ..utils._validation import check_network_magnitude, wavelengths_from_X
from ..utils._warnings import constant_rows, row_extremes, warn_constant_spectra

__all__ = ["BaseEmbedder", "load_pretrained"]

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
LEGACY_WEIGHTS_NAME = "model.pt"
FORMAT_VERSION = 2

# Registry of embedder classes by name, filled by ``__init_subclass__``, so a
# saved directory can be loaded without knowing its class beforehand.
_EMBEDDER_REGISTRY: dict[str, type] = {}

# Parameter and attribute docs that every embedder shares word for word: a
# line "{weights}", "{device}", "{verbose}", "{callbacks}" or
# "{attributes_in}" (last in the Attributes section) of a subclass's
# docstring is replaced with this text. The parameters whose defaults or
# notes differ per class (max_epochs, batch_size, lr, random_state) are
# written out in each class.
_DOC_FRAGMENTS = {
    "weights": """\
weights : str, path-like or None, default=None
    Directory written by :meth:`save_pretrained` to start from, or the name
    of a shipped encoder (``"sklspec-base"``, see
    :func:`sklspec.pretrained.list_pretrained`).
""",
    "grid": """\
grid : int, dict, CanonicalGrid or None, default=None
    Map every input onto a canonical grid first
    (:class:`~sklspec.preprocessing.CanonicalGrid`; an int is its number of
    points, a dict its parameters): each spectrum is resampled over its own
    range and SNV-normalised, so :meth:`transform` accepts spectra of any
    width and wavelength axis (read from DataFrame column names or the grid's
    `wavelengths`), and the embedding ends with four columns of side
    information, the removed ``offset`` and ``scale`` and the axis
    ``range_start`` and ``range_stop``.
    The shipped encoders use ``grid=256``. None: spectra must have the width
    (and axis) seen at fit.
""",
    "device": """\
device : str, default="cpu"
    Torch device, ``"cpu"`` or ``"cuda"`` (``"cuda:1"`` ...).
""",
    "verbose": """\
verbose : int, default=0
    0 is silent; 1 prints one line per epoch (epoch, loss, seconds).
""",
    "callbacks": """\
callbacks : list of skorch callbacks or None, default=None
    Extra skorch callbacks for training.
""",
    "checkpoint": """\
checkpoint : str, path-like or None, default=None
    Directory of a training checkpoint (skorch
    :class:`~skorch.callbacks.Checkpoint`, written after every epoch). When
    it holds the checkpoint of an interrupted :meth:`fit` with the same
    parameters and data shape, ``fit`` resumes from it and ends with the
    same weights as an uninterrupted run; a checkpoint of another run is
    refused. See :doc:`/user_guide/large_libraries`.
""",
    "accelerator": """\
accelerator : bool, dict or None, default=None
    Train through Hugging Face Accelerate (extra ``accelerate``; skorch's
    :class:`~skorch.hf.AccelerateMixin`): True for ``Accelerator()``, a dict
    for ``Accelerator(**accelerator)``, e.g. ``{"mixed_precision": "bf16"}``.
    Under ``accelerate launch`` the processes train one model on shares of
    every epoch's batches (several GPUs or machines). None: plain skorch on
    `device`. See :doc:`/user_guide/large_libraries`.
""",
    "attributes_in": """\
n_features_in_ : int
    Number of features (spectral points) seen during :term:`fit`.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Names of features seen during :term:`fit`. Defined only when `X` has
    feature names that are all strings.
wavelengths_in_ : ndarray of shape (`n_features_in_`,) or None
    Wavelength axis read from the numeric string column names of a DataFrame
    `X` at fit, else None; :meth:`transform` refuses a DataFrame on another
    axis.
""",
}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _jsonable(value):
    """Convert a parameter value to JSON, or raise TypeError."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _same_param(a, b) -> bool:
    """Compare a constructor parameter with its JSON-restored twin."""
    try:
        return _jsonable(a) == _jsonable(b)
    except TypeError:
        return False


def _inside(path: Path, directory: Path) -> bool:
    try:
        path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return True


def read_config(path) -> dict:
    """Read and check the ``config.json`` of a saved embedder directory.

    Checks that the directory holds a readable ``config.json`` with the
    entries sklspec writes, that the weights file it names lies inside the
    directory, and that the file's sha256 matches the recorded one. Nothing
    of the weights is loaded.

    Parameters
    ----------
    path : str or path-like
        Directory written by :meth:`BaseEmbedder.save_pretrained`.

    Returns
    -------
    config : dict
        The parsed configuration.

    Raises
    ------
    FileNotFoundError
        If the directory or its files are missing.
    ValueError
        If the weights file does not match its recorded sha256 (corrupted or
        modified), lies outside the directory, or the configuration cannot be
        read.
    """
    path = resolve_weights(path)
    if not path.is_dir():
        raise FileNotFoundError(
            f"No saved embedder at {str(path)!r}: expected a directory written by "
            f"save_pretrained(path) holding {CONFIG_NAME} and {WEIGHTS_NAME}, or "
            f"the name of a shipped encoder ({', '.join(SHIPPED)})."
        )
    cfg_file = path / CONFIG_NAME
    if not cfg_file.is_file():
        raise FileNotFoundError(
            f"{str(cfg_file)!r} is missing: {str(path)!r} is not a directory "
            "written by save_pretrained()."
        )
    if not _inside(cfg_file, path):
        raise ValueError(
            f"{str(cfg_file)!r} points outside {str(path)!r} (a link?); refusing "
            "to read it. Copy the real files into the directory."
        )
    try:
        config = json.loads(cfg_file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"{str(cfg_file)!r} is not valid JSON ({exc}); the saved embedder is "
            "corrupted: save it again with save_pretrained()."
        ) from exc
    if not isinstance(config, dict):
        raise ValueError(f"{str(cfg_file)!r} does not hold a JSON object.")
    for key in ("class", "params", "n_features_in", "weights_sha256"):
        if key not in config:
            raise ValueError(
                f"{str(cfg_file)!r} has no {key!r} entry; it was not written by "
                "sklspec's save_pretrained()."
            )
    default = (
        WEIGHTS_NAME if config.get("format_version", 1) >= 2 else (LEGACY_WEIGHTS_NAME)
    )
    weights_file = path / str(config.get("weights_file", default))
    if not _inside(weights_file, path):
        raise ValueError(
            f"The weights file {str(weights_file)!r} named in {str(cfg_file)!r} "
            f"lies outside {str(path)!r}; refusing to read it."
        )
    if not weights_file.is_file():
        raise FileNotFoundError(
            f"Weights file {str(weights_file)!r} is missing next to its config.json."
        )
    digest = _sha256(weights_file)
    if digest != config["weights_sha256"]:
        raise ValueError(
            f"Weights file {str(weights_file)!r} is corrupted or was modified: its "
            f"sha256 is {digest[:16]}..., config.json records "
            f"{str(config['weights_sha256'])[:16]}.... Re-download or re-save it."
        )
    config["_weights_path"] = str(weights_file)
    return config


def _tensor_shapes(weights_file: str) -> dict[str, tuple[int, ...]]:
    """Names and shapes of the tensors of a safetensors file (header only)."""
    from safetensors import safe_open

    try:
        with safe_open(weights_file, framework="pt") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except Exception as exc:  # safetensors raises its own error types
        raise ValueError(
            f"{weights_file!r} is not a readable safetensors file ({exc}); "
            "re-save the embedder with save_pretrained()."
        ) from exc


def _check_module_shapes(module_cls, module_config, weights_file: str):
    """Refuse a module config that does not match the saved tensors.

    The module is built on the ``meta`` device (no memory), so an edited
    config (``embed_dim=1000000``) is refused before anything is allocated.
    """
    try:
        with torch.device("meta"):
            meta = module_cls.from_config(module_config)
    except Exception as exc:
        raise ValueError(
            f"The module config saved with {weights_file!r} cannot build a "
            f"{module_cls.__name__} ({type(exc).__name__}: {exc}); the "
            "config.json was edited or is corrupted: re-save the embedder."
        ) from exc
    expected = {k: tuple(v.shape) for k, v in meta.state_dict().items()}
    found = _tensor_shapes(weights_file)
    problems = [
        f"{k}: config gives {expected.get(k)}, file holds {found.get(k)}"
        for k in sorted(set(expected) | set(found))
        if expected.get(k) != found.get(k)
    ]
    if problems:
        shown = "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
        raise ValueError(
            f"The config.json saved with {weights_file!r} does not match its "
            f"tensors ({len(problems)} mismatches: {shown}); it was edited or "
            "belongs to other weights: re-save the embedder."
        )


def _read_state_dict(config: dict) -> dict:
    weights_file = config["_weights_path"]
    if weights_file.endswith(".safetensors"):
        from safetensors.torch import load_file

        return load_file(weights_file, device="cpu")
    try:
        return torch.load(weights_file, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch's own error types vary
        raise ValueError(
            f"Could not read the weights in {weights_file!r}: {exc}"
        ) from exc


def load_pretrained(path):
    """Load any saved sklspec embedder, whatever its class.

    Parameters
    ----------
    path : str or path-like
        Directory written by ``save_pretrained``.

    Returns
    -------
    embedder : BaseEmbedder
        A fitted embedder of the class recorded in ``config.json``.
    """
    config = read_config(path)
    name = config["class"]
    if name not in _EMBEDDER_REGISTRY:
        raise ValueError(
            f"{str(path)!r} holds a {name!r}, which this sklspec version does not "
            f"know; known embedders: {sorted(_EMBEDDER_REGISTRY)}."
        )
    return _EMBEDDER_REGISTRY[name].from_pretrained(path)


class _ReconstructionScoreMixin:
    """``score_samples`` of the embedders that define ``reconstruction_error``."""

    def score_samples(self, X):
        """Negative reconstruction error: higher for typical spectra.

        scikit-learn's convention for ``score_samples`` (as in
        :class:`~sklearn.ensemble.IsolationForest`): the lower, the more
        abnormal. Equal to ``-reconstruction_error(X)`` with its defaults.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_spectra,)
            ``-reconstruction_error(X)``.
        """
        return -self.reconstruction_error(X)


class BaseEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Base class of the neural spectral embedders.

    Not used directly: see :class:`~sklspec.embedders.TransformRecogEmbedder`.
    Every embedder accepts the parameters below in addition to its own.

    Parameters
    ----------
    weights : str, path-like or None
        Directory written by :meth:`save_pretrained`. When given, :meth:`fit`
        starts from these weights (and with ``max_epochs=0`` only loads them,
        checking the spectra's width and wavelength axis).
    max_epochs : int
        Training epochs in :meth:`fit`.
    batch_size : int
        Mini-batch size for training and embedding.
    lr : float
        Learning rate of the optimiser.
    device : str
        Torch device, ``"cpu"`` or ``"cuda"`` (``"cuda:1"`` ...).
    random_state : int, RandomState instance or None
        Seeds weight initialisation, data shuffling and the random parts of
        the pretext data. Torch's global random state is left untouched.
    verbose : int
        0 is silent; 1 prints one line per epoch (epoch, loss, seconds).
    callbacks : list of skorch callbacks or None
        Extra skorch callbacks for training (e.g. ``skorch.callbacks.LRScheduler``).
    """

    _architecture_params: tuple[str, ...] = ()

    _parameter_constraints: dict = {
        "weights": [str, Path, None],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "checkpoint": [str, Path, None],
        "accelerator": ["boolean", dict, None],
    }

    #: Constraint of the ``grid`` parameter (embedders that take one).
    _grid_constraint = [
        None,
        Interval(Integral, 2, None, closed="left"),
        dict,
        CanonicalGrid,
    ]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__doc__ = fill_doc(cls.__doc__, _DOC_FRAGMENTS)
        if not cls.__name__.startswith("_"):
            _EMBEDDER_REGISTRY[cls.__name__] = cls

    # ------------------------------------------------------------------ hooks
    #: Constructor parameters left out of ``config.json`` (not JSON, or
    #: meaningless once fitted).
    _unsaved_params: tuple[str, ...] = ("weights", "callbacks", "checkpoint")

    #: The :class:`~sklspec.nn.PretrainingModule` subclass this embedder holds.
    _module_type: type = PretrainingModule

    #: Named parameter sets (e.g. a paper's network and schedule), see
    #: :meth:`from_preset`. The class defaults are made for a CPU.
    presets: dict[str, dict] = {}

    @classmethod
    def from_preset(cls, name: str, **params):
        """An unfitted embedder with the parameters of a named preset.

        The preset's values are ordinary constructor parameters (so
        :func:`~sklearn.base.clone`, ``get_params`` and grid searches see
        them); ``params`` override them.

        Parameters
        ----------
        name : str
            One of ``cls.presets`` (e.g. ``"paper"``).
        **params
            Parameters to set on top of the preset.

        Returns
        -------
        embedder : BaseEmbedder
            An unfitted embedder.

        Examples
        --------
        >>> from sklspec.embedders import TransformRecogEmbedder
        >>> TransformRecogEmbedder.from_preset("paper").channels
        (32, 64, 128)
        """
        if name not in cls.presets:
            known = sorted(cls.presets) or "none"
            raise ValueError(
                f"{cls.__name__} has no preset {name!r}; known presets: {known}."
            )
        return cls(**{**cls.presets[name], **params})

    def _build_module(self, n_features: int) -> PretrainingModule:
        """Return the untrained :class:`~sklspec.nn.PretrainingModule`."""
        raise NotImplementedError

    def _make_training_data(self, X: np.ndarray, rng: np.random.Generator, **kw):
        """Return ``(X_train, y_train)`` for skorch (default: ``(X, None)``)."""
        return X, None

    def _make_criterion(self):
        raise NotImplementedError

    def _embed_options(self) -> dict:
        """Read-out keyword arguments of ``module_.embed`` (e.g. pooling)."""
        return {}

    def _module_config_overrides(self) -> dict:
        """Module config entries that the estimator's parameters set on load.

        Settings that change no weight (loss weights ...), so that a saved
        module is rebuilt with this estimator's values.
        """
        return {}

    def _extra_config(self) -> dict:
        """More fitted state to save in ``config.json`` (under ``"extra"``)."""
        return {}

    def _restore_extra(self, extra: dict) -> None:
        """Restore what :meth:`_extra_config` saved (when weights are loaded)."""

    def _set_fitted_attributes(self) -> None:
        """Set attributes derived from ``module_`` (after fit and loading)."""

    def _legacy_module(self, config: dict, n_features: int) -> PretrainingModule:
        """The module of a format-1 directory (``model.pt``, no module config)."""
        return self._build_module(n_features)

    def get_encoder(self) -> torch.nn.Module:
        """Return the (trained) encoder module, used for fine-tuning.

        Returns
        -------
        encoder : torch.nn.Module
            The module mapping ``(N, n_features)`` spectra to features
            (weights shared with ``module_``).
        """
        check_is_fitted(self)
        return self.module_.get_encoder()

    # ---------------------------------------------------------------- helpers
    def _check_axis(self, X, *, fitting: bool) -> None:
        """Record (fitting) or check (transforming) the wavelength axis."""
        w = wavelengths_from_X(X)
        if fitting:
            self.wavelengths_in_ = w
            return
        fitted = getattr(self, "wavelengths_in_", None)
        if w is None or fitted is None:
            return
        if w.shape != fitted.shape or not np.allclose(w, fitted, rtol=0, atol=1e-6):
            raise ValueError(
                "The wavelength axis of X (from its column names, "
                f"{w[0]:g}..{w[-1]:g}) differs from the axis the embedder was "
                f"fitted on ({fitted[0]:g}..{fitted[-1]:g}). Resample the spectra "
                "onto the fitted axis with sklspec.preprocessing.Resample("
                "target_wavelengths=embedder.wavelengths_in_)."
            )

    def _seed(self) -> int:
        return derive_seed(self.random_state)

    def _train_options(self, n_train: int) -> dict:
        """Extra :func:`~sklspec._torch.train_module` keyword arguments.

        Subclasses return e.g. another ``optimizer``, ``optimizer__*``
        settings or a ``callbacks`` list (which then replaces
        ``self.callbacks``; include them). Default: none.
        """
        return {}

    def _fingerprint(self, n_spectra: int, n_features: int, seed: int) -> dict:
        """What a training run is, stored beside its checkpoint.

        The parameters that change the result, the data's shape and the
        seed; not ``max_epochs`` (a run may be continued for more epochs),
        ``verbose``, ``device`` or the checkpoint directory itself.
        """
        skip = {
            *self._unsaved_params,
            *("max_epochs", "verbose", "device", "accelerator"),
        }
        params = {
            k: _fingerprint_value(v)
            for k, v in self.get_params(deep=False).items()
            if k not in skip
        }
        return {
            "estimator": type(self).__name__,
            "params": params,
            "n_spectra": int(n_spectra),
            "n_features": int(n_features),
            "seed": int(seed),
        }

    def _train(self, module, X, y, seed: int, *, n_train: int, n_features: int):
        options = {"callbacks": self.callbacks, **self._train_options(n_train)}
        return train_module(
            module,
            X,
            y,
            criterion=self._make_criterion(),
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            device=self.device,
            seed=seed,
            verbose=self.verbose,
            checkpoint=self.checkpoint,
            fingerprint=self._fingerprint(n_train, n_features, seed),
            accelerator=self.accelerator,
            **options,
        )

    # ------------------------------------------------------------- estimator
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the embedder on unlabelled spectra.

        Parameters
        ----------
        X : array-like, DataFrame or streamed library
            Unlabelled spectra ``(n_spectra, n_points)``. A DataFrame with
            numeric string column names gives the wavelength axis, which is
            then checked in ``transform``. A library that does not fit in
            memory (a :class:`numpy.memmap`, an h5py or zarr array, or an
            iterable of batches, see :func:`sklspec.utils.is_stream`) is
            streamed block by block.
        y : None
            Ignored (self-supervised).

        Returns
        -------
        self : object
            The fitted embedder.
        """
        return self._fit(X)

    def _fit(self, X, **data_kwargs):
        """Validate, build or load the module and train it.

        Subclasses whose ``fit`` takes more inputs (e.g. ``groups`` of scan
        repeats) pass them as ``data_kwargs``; they reach
        :meth:`_make_training_data` after validation of ``X``.
        """
        if is_stream(X) and self._supports_streaming:
            return self._fit_stream(X, **data_kwargs)
        self._refuse_stream(X)
        X = self._fit_input(X)  # a memmap, for an embedder that does not stream
        warn_constant_spectra(
            constant_rows(X), type(self).__name__, "they carry nothing to learn"
        )
        n_samples, n_features = X.shape
        t0 = time.perf_counter()
        module, seed = self._initial_module(n_features, X, n_samples)
        history: list[dict] = []
        if self.max_epochs > 0:
            rng = np.random.default_rng(seed)
            X_train, y_train = self._make_training_data(
                X.astype(np.float32), rng, **data_kwargs
            )
            module, history = self._train(
                module,
                X_train,
                y_train,
                seed,
                n_train=n_rows(X_train),
                n_features=n_features,
            )
        return self._finish_fit(module, history, n_samples, t0)

    def _initial_module(self, width: int, statistics, n_samples: int):
        """The module training starts from, and the run's seed.

        Loaded from ``weights``, or built for `width` points with its input
        statistics from `statistics` (the spectra, or a streamed library's
        moments); seeded, on ``device``.
        """
        if n_samples < 2 and self.max_epochs > 0:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 spectra to train, got "
                f"n_samples = {n_samples}."
            )
        seed = self._seed()
        device = resolve_device(self.device)
        with seeded(seed):
            if self.weights is not None:
                module = self._load_weights(resolve_weights(self.weights), width)
            else:
                module = self._build_module(width)
                module.fit_input_statistics(statistics)
        return module.to(device), seed

    def _finish_fit(self, module, history, n_samples: int, t0: float):
        module.eval()
        self.module_ = module
        self.history_ = history
        self.training_summary_ = {
            "n_spectra": int(n_samples),
            "epochs": int(self.max_epochs),
            "train_seconds": round(time.perf_counter() - t0, 3),
            "final_loss": float(history[-1]["train_loss"]) if history else None,
            "initial_weights": None if self.weights is None else str(self.weights),
        }
        self._set_fitted_attributes()
        return self

    # ------------------------------------------------------------ streaming
    #: Whether :meth:`fit` can stream a library (see :meth:`_fit_stream`).
    _supports_streaming: bool = True

    def _stream_rows_per_batch(self) -> int:
        """Spectra per training batch of a streamed fit."""
        return int(self.batch_size)

    def _refuse_stream(self, X) -> None:
        """Refuse a library to stream in an embedder that trains in memory.

        A memmap passes: it is an array, loaded like one.
        """
        if is_stream(X) and not self._supports_streaming:
            if not isinstance(X, np.memmap):
                raise TypeError(
                    f"{type(self).__name__}.fit takes in-memory spectra only "
                    "(its training pairs are not a library to stream), or a "
                    f"memmap it loads; got {type(X).__name__}. Load them with "
                    "np.asarray first."
                )

    def _fit_stream(self, X, **data_kwargs):
        """Fit on a library read block by block (see :mod:`sklspec._stream`).

        One pass computes the input statistics (per-point moments) and
        counts the spectra; training then reads the library once per epoch
        through a :class:`~sklspec._torch.BatchStream`, whose batches
        :meth:`_make_training_data` turns into pretext data afresh every
        epoch. Memory holds one shuffle buffer of spectra, whatever the
        library's size.
        """
        name = type(self).__name__
        given = sorted(k for k, v in data_kwargs.items() if v is not None)
        if given:
            raise ValueError(
                f"{name}.fit takes {', '.join(given)} only with in-memory "
                "spectra, not with a streamed library."
            )
        grid = self._make_grid()
        self.grid_ = grid
        # the grid rescales every row: its input may hold any finite magnitude
        source = SpectraSource(X, name=name, network_input=grid is None)
        preprocess = None
        if grid is not None:
            grid.fit(next(iter(source.blocks())))

            def preprocess(block):
                return grid.transform_values(block).astype(np.float32, copy=False)

        moments = stream_moments(source, preprocess)
        n_samples = int(moments.n)
        self.n_features_in_ = int(source.n_features)
        self.wavelengths_in_ = None
        if hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        warn_constant_spectra(
            moments.constant, name, "they carry nothing to learn", n_total=n_samples
        )
        t0 = time.perf_counter()
        module, seed = self._initial_module(self._module_width(), moments, n_samples)
        history: list[dict] = []
        if self.max_epochs > 0:
            reference_std = moments.global_std or 1.0

            def make_batch(rows, rng):
                X_b, y_b = self._make_training_data(
                    rows, rng, reference_std=reference_std
                )
                return _as_tensors(X_b), (
                    torch.zeros(len(rows)) if y_b is None else _as_tensors(y_b)
                )

            stream = BatchStream(
                source,
                rows_per_batch=self._stream_rows_per_batch(),
                make_batch=make_batch,
                preprocess=preprocess,
            )
            module, history = self._train(
                module,
                stream,
                None,
                seed,
                n_train=n_samples,
                n_features=self._module_width(),
            )
        return self._finish_fit(module, history, n_samples, t0)

    # ------------------------------------------------------- canonical grid
    def _make_grid(self):
        """The unfitted :class:`~sklspec.preprocessing.CanonicalGrid` or None."""
        grid = getattr(self, "grid", None)
        if grid is None:
            return None
        if isinstance(grid, CanonicalGrid):
            return clone(grid)
        if isinstance(grid, dict):
            return CanonicalGrid(**grid)
        if isinstance(grid, (Integral, np.integer)) and not isinstance(grid, bool):
            return CanonicalGrid(n_points=int(grid))
        raise ValueError(
            "grid must be None, a number of grid points or a "
            f"sklspec.preprocessing.CanonicalGrid, got {grid!r}."
        )

    def _fit_input(self, X):
        """Validate the spectra of fit (onto the canonical grid, if any)."""
        grid = self._make_grid()
        self.grid_ = grid
        if grid is None:
            self._check_axis(X, fitting=True)
            X = validate_data(self, X, dtype=[np.float64, np.float32])
            check_network_magnitude(X, type(self).__name__)
            return X
        values = grid.fit(X).transform_values(X)
        validate_data(self, X, dtype=[np.float64, np.float32])  # n_features_in_
        self.wavelengths_in_ = None  # the grid handles every axis
        return values

    def _fit_grid_unseen(self) -> None:
        """Fit ``grid_`` without spectra (weights loaded, nothing seen)."""
        grid = self._make_grid()
        if grid is not None:
            width = (
                grid.n_points
                if grid.wavelengths is None
                else len(np.asarray(grid.wavelengths))
            )
            grid.fit(np.zeros((1, max(width, grid.min_points))))
        self.grid_ = grid

    def _module_width(self) -> int:
        """Input width of the module: the grid's points, else the spectra's."""
        grid = getattr(self, "grid_", None)
        return int(self.n_features_in_ if grid is None else grid.n_points)

    @property
    def _n_features_out(self) -> int:
        """Width of the embedding (read-out parameters may change after fit)."""
        width = int(self._embed(np.zeros((0, self._module_width()))).shape[1])
        grid = getattr(self, "grid_", None)
        n_stats = len(STATS_NAMES) if grid is not None and grid.keep_stats else 0
        return width + n_stats

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the input seen at fit: the outputs are new
            features.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``<classname>0``, ``<classname>1`` ... for the embedding; with a
            canonical grid that keeps its statistics, the last four are
            ``offset``, ``scale``, ``range_start`` and ``range_stop`` (as in
            :meth:`CanonicalGrid.get_feature_names_out
            <sklspec.preprocessing.CanonicalGrid.get_feature_names_out>`, so
            :class:`~sklspec.domain.EmbeddingPCADetector` finds them by name).
        """
        names = super().get_feature_names_out(input_features)
        grid = getattr(self, "grid_", None)
        if grid is not None and grid.keep_stats:
            names = np.concatenate(
                [names[: -len(STATS_NAMES)], np.asarray(STATS_NAMES, dtype=object)]
            )
        return names

    def _module_values(self, X) -> np.ndarray:
        """Spectra as the network's read-outs take them (after fit).

        With a canonical grid, any width is mapped onto it (values in SNV
        units, without the side columns); without, `X` is checked against
        the width and wavelength axis seen at fit.
        """
        grid = getattr(self, "grid_", None)
        if grid is not None:
            return grid.transform_values(X)
        self._check_axis(X, fitting=False)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    #: Rows per batch of :meth:`transform` at least (0: ``batch_size``): the
    #: dense networks' matmuls need many rows to run near the machine's rate.
    _embed_rows = 0

    def _embed_batch_size(self) -> int:
        """Rows per batch of :meth:`transform`: ``batch_size``, or
        :attr:`_embed_rows` if more (the outputs do not depend on it)."""
        return max(int(self.batch_size), int(self._embed_rows))

    def _embed(self, X: np.ndarray) -> np.ndarray:
        options = self._embed_options()
        return predict(
            self.module_,
            X,
            lambda xb: self.module_.embed(xb, **options),
            batch_size=self._embed_batch_size(),
        )

    def transform(self, X):
        """Embed spectra.

        Parameters
        ----------
        X : array-like, DataFrame, on-disk array or iterable of batches
            Spectra ``(n_spectra, n_points)`` of the width (and wavelength
            axis) seen in ``fit``. A file-backed memmap (``np.load(path,
            mmap_mode="r")``), an h5py Dataset or a zarr Array is embedded
            block by block (8,192 spectra at a time): memory holds the
            embeddings and one block, never the library. An iterable of 2-D
            batches (see :func:`sklspec.utils.is_stream`; a generator will
            do, it is read once) is embedded batch by batch, its embeddings
            concatenated in order.

        Returns
        -------
        Z : ndarray of shape (n_spectra, n_features_out)
            The embeddings, float32 for float32 input, else float64.

        Raises
        ------
        ValueError
            If the spectra are invalid (NaN, wrong width, ...); for a library
            read block by block the message names the block's rows.

        Warns
        -----
        ConstantSpectraWarning
            If some spectra are constant (all points equal), once for the
            whole input with their row numbers; also at :meth:`fit`. See
            :mod:`sklspec.exceptions`.
        """
        check_is_fitted(self)
        if _is_disk_array(X):
            return self._transform_on_disk(X)
        if is_stream(X):
            return self._transform_blocks(iter(X))
        Z, constant = self._embed_checked(X)
        self._warn_constant(constant, n_total=None)
        return Z

    def _warn_constant(self, constant: np.ndarray, n_total: int | None) -> None:
        warn_constant_spectra(
            constant,
            type(self).__name__,
            "their embeddings say nothing about them",
            n_total=n_total,
        )

    def _transform_on_disk(self, X) -> np.ndarray:
        """:meth:`transform` of an on-disk library, one block at a time."""
        source = SpectraSource(X, name=type(self).__name__)  # checks shape, dtype
        if source.n_rows == 0:  # refused as an empty in-memory array is
            return self._embed_checked(np.array(X[:0]))[0]
        # a writable in-memory copy of each block (a memmap's slice is
        # read-only, which torch warns about)
        blocks = (
            np.array(X[start : start + BLOCK_ROWS])
            for start in range(0, source.n_rows, BLOCK_ROWS)
        )
        return self._transform_blocks(blocks, n_rows=source.n_rows)

    def _transform_blocks(self, blocks, n_rows: int | None = None) -> np.ndarray:
        """:meth:`transform` of a library given as blocks, in order.

        Errors name the block's rows and constant spectra are reported once,
        numbered in the whole library. With `n_rows` the output is filled in
        place, else the blocks' embeddings are concatenated.
        """
        name = type(self).__name__
        parts, constant, seen, Z = [], [], 0, None
        for block in blocks:
            shape = getattr(block, "shape", None)
            if shape is not None and len(shape) == 2 and shape[0] == 0:
                continue  # an empty batch adds nothing
            try:
                Zb, const = self._embed_checked(block)
            except ValueError as exc:
                raise ValueError(
                    f"{name}.transform: the block from row {seen} of the library: {exc}"
                ) from exc
            size = len(Zb)
            constant.extend((seen + np.flatnonzero(const)).tolist())
            if n_rows is None:
                parts.append(Zb)
            else:
                if Z is None:
                    Z = np.empty((n_rows, Zb.shape[1]), dtype=Zb.dtype)
                Z[seen : seen + size] = Zb
            seen += size
        if seen == 0:
            raise ValueError(
                f"{name}.transform: the iterable of batches yielded no spectra."
            )
        self._warn_constant(np.asarray(constant, dtype=np.intp), n_total=seen)
        return Z if n_rows is not None else np.concatenate(parts)

    def _embed_checked(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Validate and embed in-memory spectra: the embeddings and the
        constant-spectrum mask (not yet warned about)."""
        grid = getattr(self, "grid_", None)
        if grid is not None:
            G = grid.transform(X)
            constant = constant_rows(G[:, : grid.n_points])
            Z = self._embed(G[:, : grid.n_points])
            if grid.keep_stats:
                Z = np.hstack([Z, G[:, grid.n_points :]])
            return Z.astype(G.dtype, copy=False), constant
        self._check_axis(X, fitting=False)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        extremes = row_extremes(X)  # one read of X for both checks
        check_network_magnitude(X, type(self).__name__, extremes=extremes)
        constant = constant_rows(X, extremes=extremes)
        Z = self._embed(X)
        return Z.astype(X.dtype, copy=False), constant

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.non_deterministic = False
        return tags

    # ------------------------------------------------------------ persistence
    def _check_saved_architecture(self, path: Path, config: dict, n_features):
        saved = config["params"]
        mismatched = [
            f"{name}={saved.get(name)!r} (saved) vs {getattr(self, name)!r}"
            for name in self._architecture_params
            if name in saved and not _same_param(getattr(self, name), saved[name])
        ]
        if mismatched:
            raise ValueError(
                f"The architecture of the weights at {str(path)!r} differs from "
                f"this embedder's: {'; '.join(mismatched)}. Use "
                f"{type(self).__name__}.from_pretrained({str(path)!r}) to get "
                "matching parameters."
            )
        expected = int(config["n_features_in"])
        if expected != n_features:
            raise ValueError(
                f"The weights at {str(path)!r} were trained on spectra of "
                f"{expected} points but X has {n_features}; resample X onto the "
                "saved axis with sklspec.preprocessing.Resample."
            )
        saved_axis = config.get("wavelengths")
        fitted_axis = getattr(self, "wavelengths_in_", None)
        if saved_axis is not None and fitted_axis is not None:
            saved_axis = np.asarray(saved_axis, dtype=float)
            if saved_axis.shape != fitted_axis.shape or not np.allclose(
                saved_axis, fitted_axis, rtol=0, atol=1e-6
            ):
                raise ValueError(
                    f"The weights at {str(path)!r} were trained on the wavelength "
                    f"axis {saved_axis[0]:g}..{saved_axis[-1]:g} but X has "
                    f"{fitted_axis[0]:g}..{fitted_axis[-1]:g}; resample X onto "
                    "the saved axis with sklspec.preprocessing.Resample."
                )
        if fitted_axis is None and saved_axis is not None:
            self.wavelengths_in_ = np.asarray(saved_axis, dtype=float)

    def _load_weights(self, path: Path, n_features: int) -> PretrainingModule:
        config = read_config(path)
        if config["class"] != type(self).__name__:
            raise ValueError(
                f"weights at {str(path)!r} belong to a {config['class']}, not a "
                f"{type(self).__name__}; load them with "
                f"sklspec.embedders.load_pretrained({str(path)!r})."
            )
        self._check_saved_architecture(path, config, n_features)
        saved_module = config.get("module")
        if saved_module is None:
            warnings.warn(
                f"{str(path)!r} was saved in sklspec's first format (model.pt); "
                "it still loads, but support ends in a later release: re-save it "
                "with save_pretrained() to write model.safetensors.",
                DeprecationWarning,
                stacklevel=3,
            )
            module = self._legacy_module(config, n_features)
        else:
            try:
                module_cls = module_class(str(saved_module["class"]))
                module_config = {
                    **dict(saved_module["config"]),
                    **self._module_config_overrides(),
                }
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(
                    f"The module entry of {str(path / CONFIG_NAME)!r} is invalid "
                    f"({exc}); re-save the embedder with save_pretrained()."
                ) from exc
            if not issubclass(module_cls, self._module_type):
                raise ValueError(
                    f"{str(path / CONFIG_NAME)!r} names a {module_cls.__name__} "
                    f"module, but a {type(self).__name__} holds a "
                    f"{self._module_type.__name__}; the config was edited or "
                    "belongs to another model."
                )
            _check_module_shapes(module_cls, module_config, config["_weights_path"])
            module = module_cls.from_config(module_config)
        state = _read_state_dict(config)
        try:
            module.load_state_dict(state)
        except RuntimeError as exc:
            raise ValueError(
                f"The weights at {str(path)!r} do not fit this architecture: {exc}"
            ) from exc
        self._restore_extra(dict(config.get("extra") or {}))
        return module

    def _config_params(self) -> dict:
        params = {}
        for name, value in self.get_params(deep=False).items():
            if name in self._unsaved_params:
                continue
            if name == "random_state" and not isinstance(value, (int, np.integer)):
                value = None
            if name == "grid" and hasattr(value, "get_params"):
                value = value.get_params()  # a CanonicalGrid: its parameters
            try:
                params[name] = _jsonable(value)
            except TypeError:
                warnings.warn(
                    f"Parameter {name}={value!r} cannot be written to config.json "
                    "and is left out.",
                    stacklevel=3,
                )
        return params

    def save_pretrained(self, path, *, preprocessing=None, wavelength_unit=None):
        """Save the fitted embedder to a directory.

        Writes ``model.safetensors`` (the ``state_dict``; no pickle) and
        ``config.json``: class, sklspec and torch versions, the estimator's
        parameters, the module's own class and config (from which it is
        rebuilt), input width, wavelength axis and unit, the preprocessing
        the weights expect, training summary and history, the names and
        shapes of the tensors, and the sha256 of the weights file.

        Parameters
        ----------
        path : str or path-like
            Target directory (created if needed; existing files are replaced).
        preprocessing : str, list of str or None, default=None
            What must be applied to spectra before this embedder (e.g.
            ``"SNV"``), recorded for users of the saved model; default: what
            was recorded when the weights were loaded, if anything.
        wavelength_unit : str or None, default=None
            Unit of the wavelength axis (e.g. ``"nm"``, ``"cm-1"``); default:
            the recorded one, if any.

        Returns
        -------
        path : pathlib.Path
            The directory.
        """
        from safetensors.torch import save_file

        check_is_fitted(self)
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        weights_file = path / WEIGHTS_NAME
        state = {
            k: v.detach().cpu().contiguous()
            for k, v in self.module_.state_dict().items()
        }
        # modules may share a tensor under two names (a scaler inside an
        # encoder): safetensors stores each name, so give each its own copy
        seen: set[int] = set()
        for k, v in state.items():
            if v.data_ptr() in seen:
                state[k] = v.clone()
            seen.add(state[k].data_ptr())
        save_file(state, str(weights_file), metadata={"format": "pt"})
        (path / LEGACY_WEIGHTS_NAME).unlink(missing_ok=True)
        w = getattr(self, "wavelengths_in_", None)
        if preprocessing is None:
            preprocessing = getattr(self, "expected_preprocessing_", None)
        if wavelength_unit is None:
            wavelength_unit = getattr(self, "wavelength_unit_", None)
        config = {
            "format_version": FORMAT_VERSION,
            "class": type(self).__name__,
            "sklspec_version": __version__,
            "torch_version": torch.__version__,
            "params": self._config_params(),
            "module": {
                "class": type(self.module_).__name__,
                "config": self.module_.get_config(),
            },
            "n_features_in": self._module_width(),
            "n_features_out": int(self._n_features_out),
            "wavelengths": None if w is None else [float(v) for v in w],
            "wavelength_unit": wavelength_unit,
            "preprocessing": preprocessing,
            "feature_names_in": (
                [str(v) for v in self.feature_names_in_]
                if hasattr(self, "feature_names_in_")
                else None
            ),
            "training": self.training_summary_,
            "history": [
                {k: _jsonable(v) for k, v in row.items() if _is_scalar(v)}
                for row in self.history_
            ],
            "extra": _jsonable(self._extra_config()),
            "tensors": {k: list(v.shape) for k, v in state.items()},
            "weights_file": WEIGHTS_NAME,
            "weights_sha256": _sha256(weights_file),
        }
        (path / CONFIG_NAME).write_text(json.dumps(config, indent=2))
        return path

    @classmethod
    def from_pretrained(cls, path, **params):
        """Load a fitted embedder saved with :meth:`save_pretrained`.

        Parameters
        ----------
        path : str or path-like
            Directory written by :meth:`save_pretrained`.
        **params
            Non-architecture parameters to override (e.g. ``device``,
            ``batch_size``).

        Returns
        -------
        embedder : BaseEmbedder
            A fitted embedder whose ``weights`` is ``path`` and ``max_epochs``
            is 0, so ``clone(embedder).fit(X)`` reloads the same weights.

        Raises
        ------
        ValueError
            If the weights are corrupted (sha256 mismatch), do not match their
            config, or belong to another class.
        """
        source = path
        path = resolve_weights(path)
        config = read_config(path)
        if cls is BaseEmbedder:
            return load_pretrained(source)
        if config["class"] != cls.__name__:
            raise ValueError(
                f"{str(path)!r} holds a {config['class']}, not a {cls.__name__}; "
                f"use sklspec.embedders.load_pretrained({str(path)!r})."
            )
        valid = cls().get_params(deep=False)
        kwargs = {k: v for k, v in config["params"].items() if k in valid}
        for name in cls._architecture_params:
            if isinstance(kwargs.get(name), list):
                kwargs[name] = tuple(kwargs[name])
        bad = set(params) & set(cls._architecture_params)
        if bad:
            raise ValueError(
                f"Cannot override architecture parameters {sorted(bad)} when "
                "loading pretrained weights."
            )
        kwargs.update(params)
        kwargs.update(
            weights=source if isinstance(source, str) else str(path), max_epochs=0
        )
        est = cls(**kwargs)
        n_features = int(config["n_features_in"])
        axis = config.get("wavelengths")
        est.wavelengths_in_ = None if axis is None else np.asarray(axis, dtype=float)
        est.n_features_in_ = n_features
        est._fit_grid_unseen()
        module = est._load_weights(path, n_features).to(resolve_device(est.device))
        module.eval()
        est.module_ = module
        est.history_ = list(config.get("history", []))
        est.training_summary_ = dict(config.get("training") or {})
        est.expected_preprocessing_ = config.get("preprocessing")
        est.wavelength_unit_ = config.get("wavelength_unit")
        if config.get("feature_names_in") is not None:
            est.feature_names_in_ = np.asarray(config["feature_names_in"], dtype=object)
        if est.grid_ is not None:
            # any width goes onto the grid: no spectra seen, no input width
            # (a pipeline around it then claims none either)
            del est.n_features_in_
        est._set_fitted_attributes()
        return est


def _fingerprint_value(value):
    """A parameter as JSON, or its repr (an estimator such as a grid)."""
    try:
        return _jsonable(value)
    except TypeError:
        return repr(value)


def _as_tensors(data):
    """An array, or a dict of arrays, as float32 torch tensors."""
    if isinstance(data, dict):
        return {k: _as_tensors(v) for k, v in data.items()}
    return torch.from_numpy(np.ascontiguousarray(data, dtype=np.float32))


def _is_scalar(v) -> bool:
    return isinstance(v, (int, float, bool, str, np.integer, np.floating))
