"""A 2-D map of an embedding (or of spectra): PCA, t-SNE or UMAP."""

from __future__ import annotations

import numpy as np

from ._base import (
    CMAP,
    OKABE_ITO,
    as_spectra,
    check_choice,
    check_y,
    class_colors,
    get_ax,
    target_kind,
    target_name,
)

__all__ = ["plot_embedding"]

_METHODS = ("pca", "tsne", "umap")


def _reduce(Z: np.ndarray, method: str, random_state):
    """Two coordinates per row and the axis labels."""
    if method == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(n_components=2, random_state=random_state).fit(Z)
        share = 100 * pca.explained_variance_ratio_
        labels = [f"PC {i + 1} ({share[i]:.0f} % of variance)" for i in range(2)]
        return pca.transform(Z), labels
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = min(30.0, (len(Z) - 1) / 3)
        tsne = TSNE(
            n_components=2,
            perplexity=perplexity,
            init="pca",
            random_state=random_state,
        )
        return tsne.fit_transform(Z), ["t-SNE 1", "t-SNE 2"]
    try:
        import umap
    except ImportError:
        raise ImportError(
            "method='umap' needs the umap-learn package: pip install umap-learn "
            "(or use method='pca' or 'tsne')."
        ) from None
    reducer = umap.UMAP(
        n_components=2,
        n_neighbors=min(15, len(Z) - 1),
        random_state=random_state,
    )
    return np.asarray(reducer.fit_transform(Z)), ["UMAP 1", "UMAP 2"]


def plot_embedding(
    embedding_or_X,
    y=None,
    *,
    method: str = "pca",
    ax=None,
    random_state=0,
    **scatter_kw,
):
    """Plot a 2-D map of an embedding (or of spectra), coloured by class or target.

    Rows with more than two columns (embeddings from an embedder's
    ``transform``, or spectra) are reduced to two coordinates by ``method``;
    rows of exactly two columns are drawn as they are.

    Parameters
    ----------
    embedding_or_X : array-like of shape (n_samples, n_features)
        Embeddings or spectra, one row per sample.
    y : array-like of shape (n_samples,), optional
        Class labels (one colour each and a legend) or values (a colormap and
        a colorbar).
    method : {"pca", "tsne", "umap"}, default="pca"
        The reduction to two dimensions: principal components (the axes give
        their share of the variance), scikit-learn's t-SNE, or UMAP (needs
        ``pip install umap-learn``).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    random_state : int, RandomState instance or None, default=0
        Seeds t-SNE and UMAP (and the randomised solver of PCA, if chosen).
    **scatter_kw
        Passed to :meth:`~matplotlib.axes.Axes.scatter` (``s``, ``alpha``,
        ``marker``...).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_spectra : The spectra themselves.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.plotting import plot_embedding
    >>> X, y = make_spectra(n_samples=60, n_wavelengths=64, random_state=0,
    ...                     return_X_y=True)
    >>> ax = plot_embedding(X, y)
    >>> ax.get_xlabel().startswith("PC 1")
    True
    """
    check_choice(method, "method", _METHODS)
    Z = as_spectra(embedding_or_X, "embedding_or_X")
    n, d = Z.shape
    if not np.all(np.isfinite(Z)):
        raise ValueError(
            "embedding_or_X contains NaN or infinite values; drop or impute them first."
        )
    if d == 2:
        coords, labels = Z, ["dimension 1", "dimension 2"]
    else:
        if n < 3:
            raise ValueError(f"a 2-D map needs at least 3 samples, got {n}.")
        coords, labels = _reduce(Z, method, random_state)
    for key in ("c", "color"):
        if key in scatter_kw and y is not None:
            raise ValueError(f"{key}= is set by y; leave it out or pass y=None.")
    ax = get_ax(ax)
    kw = {"s": 18, "alpha": 0.85, "linewidths": 0, **scatter_kw}
    if y is None:
        kw.setdefault("color", OKABE_ITO[0])
        ax.scatter(coords[:, 0], coords[:, 1], **kw)
    else:
        yv = check_y(y, n)
        if target_kind(yv) == "classes":
            classes = np.unique(yv)
            for c, color in zip(classes, class_colors(len(classes))):
                m = yv == c
                ax.scatter(coords[m, 0], coords[m, 1], color=color, label=str(c), **kw)
            ax.legend(title=target_name(y, "class"), fontsize="small", frameon=False)
        else:
            points = ax.scatter(
                coords[:, 0], coords[:, 1], c=yv.astype(float), cmap=CMAP, **kw
            )
            ax.figure.colorbar(points, ax=ax, label=target_name(y))
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return ax
