"""Fine-tuned classifiers and regressors on the encoder of a pretrained embedder."""

from __future__ import annotations

import copy
import time
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._torch import derive_seed, predict, resolve_device, seeded, train_module
from ..nn import POOLINGS, ClassificationHead, EncoderWithHead, RegressionHead
from ..utils._docs import fill_doc
from ..utils._validation import check_network_magnitude, validate_data

__all__ = ["FineTunedClassifier", "FineTunedRegressor"]


def _default_embedder():
    from ..embedders import TransformRecogEmbedder

    return TransformRecogEmbedder()


# The parameters and fitted attributes the two fine-tuners share (one
# __init__ and one fit), documented once: the lines "{parameters}" and
# "{attributes}" of their docstrings are replaced with these texts.
_DOC_FRAGMENTS = {
    "parameters": """\
pooling : {"flatten", "avg", "max", "avgmax"}, default="flatten"
    How the encoder's feature map feeds the head.
head_hidden : tuple of int, default=(64,)
    Hidden widths of the head (three linear layers in all).
dropout : float, default=0.5
    Dropout in the head.
freeze_encoder : bool, default=False
    Train only the head (linear probe style); the encoder's batch-norm
    statistics are frozen too.
max_epochs : int, default=60
    Fine-tuning epochs (Zhao et al.: 250).
batch_size : int, default=32
    Mini-batch size (Zhao et al.: 32).
lr : float, default=1e-3
    Adam learning rate (Zhao et al.: 1e-4).
weight_decay : float, default=0.0
    Adam weight decay.
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the labelled spectra (stratified by
    class for the classifier) and stop when the validation loss has not
    improved for ``patience`` epochs, restoring the best weights.
validation_fraction : float, default=0.1
    Share held out for early stopping.
patience : int, default=20
    Early-stopping patience in epochs.
augment : int, default=0
    Number of augmented copies of each labelled spectrum (noise, offset,
    multiplication: label-preserving transformations of
    :class:`~sklspec.augmentation.SpectralAugmenter`) added for fine-tuning.
    Offset and multiplication change band heights: for regression, keep 0
    where the target is an absolute concentration.
device : str, default="cpu"
    Torch device.
random_state : int, RandomState instance or None, default=None
    Seeds pretraining, head initialisation and shuffling; torch's global
    random state is untouched.
verbose : int, default=0
    1 prints one line per epoch.
callbacks : list of skorch callbacks or None, default=None
    Extra skorch callbacks for fine-tuning.
""",
    "attributes": """\
embedder_ : estimator
    The (pretrained) embedder the encoder was taken from.
pretrained_ : bool
    Whether the encoder was pretrained (False for the random-init control).
module_ : torch.nn.Module
    The fine-tuned :class:`~sklspec.nn.EncoderWithHead`.
history_ : list of dict
    Per-epoch fine-tuning losses.
training_summary_ : dict
    Wall times of pretraining and fine-tuning, epochs run.
n_features_in_ : int
    Spectral points.
""",
}


class _BaseFineTuned(BaseEstimator):
    """Shared machinery of the fine-tuned classifier and regressor."""

    _parameter_constraints: dict = {
        "embedder": [HasMethods(["fit", "transform"]), None],
        "pooling": [StrOptions(set(POOLINGS))],
        "head_hidden": [tuple, list, Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "freeze_encoder": ["boolean"],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "augment": [Interval(Integral, 0, None, closed="left")],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        embedder=None,
        *,
        pooling: str = "flatten",
        head_hidden=(64,),
        dropout: float = 0.5,
        freeze_encoder: bool = False,
        max_epochs: int = 60,
        batch_size: int = 32,
        lr: float = 1e-3,
        weight_decay: float = 0.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 20,
        augment: int = 0,
        device: str = "cpu",
        random_state=None,
        verbose: int = 0,
        callbacks=None,
    ):
        self.embedder = embedder
        self.pooling = pooling
        self.head_hidden = head_hidden
        self.dropout = dropout
        self.freeze_encoder = freeze_encoder
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.augment = augment
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__doc__ = fill_doc(cls.__doc__, _DOC_FRAGMENTS)

    # -- hooks -------------------------------------------------------------
    #: The head (called with ``in_features`` and :meth:`_n_outputs`) and the
    #: loss (a :class:`torch.nn.Module` class) of the subclass.
    _head_type: type
    _loss_type: type

    def _encode_targets(self, y):
        raise NotImplementedError

    def _n_outputs(self) -> int:
        """Outputs of the head (classes or targets), known after encoding y."""
        raise NotImplementedError

    def _make_head(self, in_features: int):
        return self._head_type(
            in_features,
            self._n_outputs(),
            hidden=tuple(np.atleast_1d(self.head_hidden).tolist()),
            dropout=self.dropout,
        )

    def _criterion(self):
        return self._loss_type

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, X_unlabeled=None):
        """Pretrain (if needed) and fine-tune on labelled spectra.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Labelled spectra.
        y : array-like of shape (n_spectra,) or (n_spectra, n_outputs)
            Class labels (:class:`FineTunedClassifier`) or targets, one
            column per output (:class:`FineTunedRegressor`).
        X_unlabeled : array-like of shape (n_unlabeled, n_points), optional
            Extra unlabelled spectra used only to pretrain an unfitted
            ``embedder`` (ignored for a frozen one).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        return self._fit(X, y, X_unlabeled)

    # -- encoder -----------------------------------------------------------
    def _pretrained_encoder(self, X, X_unlabeled):
        """Return a copy of the encoder to fine-tune (pretraining if needed)."""
        embedder = self.embedder if self.embedder is not None else _default_embedder()
        if isinstance(embedder, FrozenEstimator):
            inner = embedder.estimator
            check_is_fitted(inner)
            self.embedder_ = embedder
            self.pretrained_ = True
        else:
            embedder = clone(embedder)
            X_pre = X if X_unlabeled is None else np.vstack([X, X_unlabeled])
            embedder.fit(X_pre)
            self.embedder_ = embedder
            self.pretrained_ = bool(
                getattr(embedder, "max_epochs", 0) > 0
                or getattr(embedder, "weights", None) is not None
            )
            inner = embedder
        # an encoder pretrained on a canonical grid (sklspec-base) reads
        # spectra mapped onto it: fine-tuning and prediction map them too
        self.grid_ = getattr(inner, "grid_", None)
        if not hasattr(inner, "get_encoder"):
            raise TypeError(
                f"{type(inner).__name__} has no get_encoder(); fine-tuning needs a "
                "sklspec embedder (e.g. TransformRecogEmbedder)."
            )
        return copy.deepcopy(inner.get_encoder()).cpu()

    # -- fit ---------------------------------------------------------------
    def _fit(self, X, y, X_unlabeled=None):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], **self._y_kw)
        check_network_magnitude(X, type(self).__name__)
        if X_unlabeled is not None:
            X_unlabeled = validate_data(
                self, X_unlabeled, reset=False, dtype=[np.float64, np.float32]
            )
        if X.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 labelled spectra, got "
                f"n_samples = {X.shape[0]}."
            )
        y_enc = self._encode_targets(y)
        resolve_device(self.device)
        seed = derive_seed(self.random_state)
        t0 = time.perf_counter()
        with seeded(seed):
            encoder = self._pretrained_encoder(X, X_unlabeled)
            pretrain_seconds = time.perf_counter() - t0
            X = self._on_grid(X)
            pooled = EncoderWithHead(encoder, torch.nn.Identity(), self.pooling)
            in_features = int(predict(pooled, np.zeros((0, X.shape[1]))).shape[1])
            head = self._make_head(in_features)
            module = EncoderWithHead(
                encoder, head, self.pooling, freeze_encoder=self.freeze_encoder
            )
        X_train = X.astype(np.float32)
        y_train = y_enc
        if self.augment:
            from ..augmentation import SpectralAugmenter

            aug = SpectralAugmenter(
                transformations=("noise", "offset", "multiply"), random_state=seed
            ).fit(X_train)
            X_train, y_train = aug.augment(X_train, y_train, n_augment=self.augment)
            X_train = X_train.astype(np.float32)
        callbacks = list(self.callbacks or [])
        train_split = None
        if self.early_stopping:
            from skorch.callbacks import EarlyStopping
            from skorch.dataset import ValidSplit

            callbacks.append(
                EarlyStopping(
                    patience=self.patience, load_best=True, monitor="valid_loss"
                )
            )
            stratified = isinstance(self, ClassifierMixin)
            train_split = ValidSplit(
                self.validation_fraction, stratified=stratified, random_state=seed
            )
        t1 = time.perf_counter()
        if self.max_epochs > 0:
            module, history = train_module(
                module,
                X_train,
                y_train,
                criterion=self._criterion(),
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                device=self.device,
                seed=seed,
                verbose=self.verbose,
                callbacks=callbacks,
                train_split=train_split,
                optimizer__weight_decay=self.weight_decay,
            )
        else:
            history = []
        module.eval()
        self.module_ = module
        self.history_ = history
        self.training_summary_ = {
            "pretrain_seconds": round(pretrain_seconds, 3),
            "finetune_seconds": round(time.perf_counter() - t1, 3),
            "epochs_run": len(history),
            "n_train": int(len(X_train)),
        }
        return self

    def _on_grid(self, X: np.ndarray) -> np.ndarray:
        """`X` on the embedder's canonical grid, if it has one (values only:
        the grid's offset / scale columns are not an input of the encoder)."""
        grid = getattr(self, "grid_", None)
        if grid is None:
            return X
        return grid.transform_values(X).astype(X.dtype, copy=False)

    def _forward(self, X, *, features: bool = False) -> np.ndarray:
        """Run the network (or only encoder + pooling) in batches, no grad."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        X = self._on_grid(X)
        module = self.module_
        fn = module.forward_features if features else module
        out = predict(module, X, fn, batch_size=max(self.batch_size, 256))
        return out.astype(np.float64)

    def embed(self, X) -> np.ndarray:
        """Return the pooled encoder features the head sees.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        Z : ndarray of shape (n_spectra, n_features_encoded)
            Fine-tuned representation.
        """
        return self._forward(X, features=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


class FineTunedClassifier(ClassifierMixin, _BaseFineTuned):
    """Classifier fine-tuned from the encoder of a self-supervised embedder.

    Network (B) of Zhao et al. (2025): the pretrained shared encoder is copied
    under a 3-layer fully connected classifier and the whole network (or only
    the head, with ``freeze_encoder=True``) is trained on the labelled spectra
    with cross-entropy and Adam.

    Parameters
    ----------
    embedder : embedder, FrozenEstimator or None
        Where the encoder comes from:

        - an unfitted embedder (e.g. ``TransformRecogEmbedder(max_epochs=100)``):
          it is cloned and pretrained inside :meth:`fit` on ``X`` plus the
          optional unlabelled ``X_unlabeled`` (never on test spectra);
        - an embedder with ``weights=path`` and ``max_epochs=0``: the saved
          encoder is loaded;
        - ``FrozenEstimator(fitted_embedder)``: its encoder is copied as is;
        - an embedder with ``max_epochs=0`` and no weights: a randomly
          initialised encoder (the "without pretraining" control);
        - None: ``TransformRecogEmbedder()`` (its CPU defaults).
    {parameters}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    {attributes}

    See Also
    --------
    FineTunedRegressor : The regression counterpart.
    sklspec.embedders.TransformRecogEmbedder : The pretext-task embedder.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.embedders import TransformRecogEmbedder
    >>> from sklspec.finetune import FineTunedClassifier
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> emb = TransformRecogEmbedder(max_epochs=1, channels=(4, 8, 8),
    ...                              random_state=0)
    >>> clf = FineTunedClassifier(emb, max_epochs=2, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    _y_kw: dict = {}
    _head_type = ClassificationHead
    _loss_type = torch.nn.CrossEntropyLoss

    def _encode_targets(self, y):
        check_classification_targets(y)
        self._le = LabelEncoder().fit(y)
        self.classes_ = self._le.classes_
        return self._le.transform(y).astype(np.int64)

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def decision_function(self, X):
        """Return the class logits.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        scores : ndarray of shape (n_spectra, n_classes) or (n_spectra,)
            Unnormalised class scores (logits); for two classes, as in
            scikit-learn, the 1-D score of ``classes_[1]``
            (``logit_1 - logit_0``).
        """
        check_is_fitted(self)
        logits = self._forward(X)
        if logits.shape[1] == 2:
            return logits[:, 1] - logits[:, 0]
        return logits

    def predict_proba(self, X):
        """Return class probabilities (softmax of the logits).

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        proba : ndarray of shape (n_spectra, n_classes)
            Probabilities in the order of ``classes_``.
        """
        logits = self._forward(X)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_spectra,)
            Predicted labels.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self._forward(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Trained for a fixed budget of epochs from few samples, a neural net
        # does not reach sklearn's accuracy thresholds on its toy data sets.
        tags.classifier_tags.poor_score = True
        return tags


class FineTunedRegressor(RegressorMixin, _BaseFineTuned):
    """Regressor fine-tuned from the encoder of a self-supervised embedder.

    Same as :class:`FineTunedClassifier` with a regression head and a mean
    squared error loss on standardised targets (multi-output supported).

    Parameters
    ----------
    embedder : embedder, FrozenEstimator or None
        Where the encoder comes from (see :class:`FineTunedClassifier`).
    {parameters}

    Attributes
    ----------
    y_mean_, y_scale_ : ndarray of shape (n_outputs,)
        Target standardisation.
    {attributes}

    See Also
    --------
    FineTunedClassifier : The classification counterpart.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.embedders import TransformRecogEmbedder
    >>> from sklspec.finetune import FineTunedRegressor
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, task="regression",
    ...                     random_state=0, return_X_y=True)
    >>> emb = TransformRecogEmbedder(max_epochs=1, channels=(4, 8, 8),
    ...                              random_state=0)
    >>> reg = FineTunedRegressor(emb, max_epochs=2, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    _y_kw: dict = {"multi_output": True, "y_numeric": True}
    _head_type = RegressionHead
    _loss_type = torch.nn.MSELoss

    def _encode_targets(self, y):
        y = np.asarray(y, dtype=np.float64)
        self._y_1d = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        self.y_mean_ = y2.mean(axis=0)
        scale = y2.std(axis=0)
        self.y_scale_ = np.where(scale > 0, scale, 1.0)
        return ((y2 - self.y_mean_) / self.y_scale_).astype(np.float32)

    def _n_outputs(self) -> int:
        return len(self.y_mean_)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_spectra, n_points)
            Spectra.

        Returns
        -------
        y_pred : ndarray of shape (n_spectra,) or (n_spectra, n_outputs)
            Predictions in the units of ``y``.
        """
        check_is_fitted(self)
        out = self._forward(X) * self.y_scale_ + self.y_mean_
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        tags.target_tags.multi_output = True
        return tags
