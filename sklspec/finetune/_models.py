"""The self-supervised pipelines that ``sklspec demo`` / ``compare`` run.

A thin wrapper over the model zoo (:mod:`sklspec.zoo`), which holds the
pipelines and their settings; the zoo is imported inside the function (it
imports the estimators of this package).
"""

from __future__ import annotations

__all__ = ["make_ssl_models"]


def make_ssl_models(
    task: str = "classification",
    *,
    random_state=0,
    quick: bool = True,
    X_unlabeled=None,
    include=None,
    verbose: int = 0,
):
    """Return the self-supervised models: name -> (estimator, param_grid).

    Two ways to pretrain, both of which keep test spectra out of pretraining:

    - ``X_unlabeled`` given (a separate pool of unlabelled spectra, the
      situation sklspec is made for): the embedder is pretrained **once** on
      that pool here, and the models reuse it through
      :class:`~sklearn.frozen.FrozenEstimator` (fine-tuning copies the
      encoder; the pretrained embedder itself is never modified).
    - ``X_unlabeled=None``: every model pretrains its own embedder inside
      ``fit``, on the training spectra of the current fold only.

    Parameters
    ----------
    task : {"classification", "regression"}, default="classification"
        The downstream task.
    random_state : int, default=0
        Seed of every model.
    quick : bool, default=True
        Short schedule on a narrower network (see ``_SSL_SETTINGS`` in
        ``sklspec/zoo/_ssl.py``) instead of the paper's 100 / 250 epochs.
    X_unlabeled : array-like of shape (n_unlabeled, n_points), optional
        Unlabelled spectra to pretrain on once.
    include : list of str, optional
        Return only these models (exact names, as listed below); only their
        embedders are pretrained. Unknown names raise ``ValueError``.
    verbose : int, default=0
        1 prints the pretraining time.

    Returns
    -------
    models : dict
        ``"SSL-CNN fine-tuned"`` (SNV, then :class:`FineTunedClassifier` or
        :class:`FineTunedRegressor` on a
        :class:`~sklspec.embedders.TransformRecogEmbedder`), and three
        frozen-embedding pipelines (SNV, the embedding, standardised, under
        logistic regression or ridge): ``"SSL-CNN embedding + linear"``,
        ``"SSL-MAE embedding + linear"``
        (:class:`~sklspec.embedders.MAEEmbedder`) and
        ``"SSL-VAE embedding + linear"``
        (:class:`~sklspec.embedders.VAEEmbedder`), each with an empty grid, in
        this order. The CNN's pretext magnitudes are ``noise_scale=0.1,
        offset_scale=0.5, factor_range=(0.5, 1.5)``. With ``X_unlabeled``,
        each embedder is pretrained once, on the SNV-corrected pool.

    Raises
    ------
    ValueError
        If ``task`` or a name in ``include`` is unknown.

    See Also
    --------
    sklspec.zoo.make_models : The same models (``kind="ssl"``) and the
        baselines; this function is a thin wrapper over it.
    sklspec.zoo.list_models : The names, without building anything.

    Examples
    --------
    >>> from sklspec.finetune import make_ssl_models
    >>> models = make_ssl_models("regression", include=["SSL-VAE embedding + linear"])
    >>> pipe, grid = models["SSL-VAE embedding + linear"]
    >>> [name for name, _ in pipe.steps], grid
    (['snv', 'embed', 'scale', 'model'], {})
    """
    from ..zoo import list_models, make_models

    names = list_models(task, kind="ssl")
    if include is None:
        include = names
    else:
        unknown = sorted(set(include) - set(names))
        if unknown:
            raise ValueError(
                f"unknown self-supervised model(s) {unknown}; available: {names}."
            )
    return make_models(
        task,
        include=include,
        random_state=random_state,
        quick=quick,
        X_unlabeled=X_unlabeled,
        verbose=verbose,
    )
