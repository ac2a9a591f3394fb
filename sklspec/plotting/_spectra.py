"""Spectra against their axis, and input vs reconstruction vs clean."""

from __future__ import annotations

import numbers

import numpy as np

from ._base import (
    CMAP,
    GREY,
    OKABE_ITO,
    as_spectra,
    check_choice,
    check_y,
    class_colors,
    finish_spectral_axis,
    get_ax,
    spectral_axis,
    target_kind,
    target_name,
)

__all__ = ["plot_reconstruction", "plot_spectra"]


def _default_alpha(n: int) -> float:
    """Opaque for a few spectra, fainter as they crowd."""
    return 1.0 if n <= 10 else float(np.clip(10.0 / n, 0.15, 0.6))


def plot_spectra(
    X,
    y=None,
    *,
    wavelengths=None,
    unit: str | None = None,
    kind: str = "lines",
    ax=None,
    **line_kw,
):
    """Plot spectra against their spectral axis, coloured by class or target.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_spectra, n_points)
        Spectra as rows; a single 1-D spectrum is one row. A DataFrame whose
        column names are numbers (``"1100.5"``) carries its axis.
    y : array-like of shape (n_spectra,), optional
        Class labels (one colour each and a legend) or continuous values (a
        colormap and a colorbar). None: one colour.
    wavelengths : array-like of shape (n_points,), optional
        The spectral axis; default: the numeric column names of a DataFrame
        ``X``, else the point index.
    unit : str, optional
        Unit of the axis, as sklspec's readers and
        :class:`~sklspec.preprocessing.CanonicalGrid` name them (``"nm"``,
        ``"um"``, ``"cm-1"``, ...): it labels the x axis ("Wavelength (nm)",
        "Wavenumber (cm⁻¹)"). A descending axis (wavenumbers stored high to
        low) is drawn in that order.
    kind : {"lines", "mean_std"}, default="lines"
        ``"lines"``: every spectrum; ``"mean_std"``: the mean spectrum of each
        class (of all spectra without ``y``) with a band of ± one standard
        deviation.
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.
    **line_kw
        Passed to the lines (a :class:`~matplotlib.collections.LineCollection`
        for ``"lines"``, :meth:`~matplotlib.axes.Axes.plot` for the means):
        ``linewidth``, ``alpha``, ``linestyle``; ``color`` and ``label`` only
        without ``y``.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_reconstruction : One spectrum, its reconstruction and its clean form.

    Examples
    --------
    >>> from sklspec.datasets import make_spectra
    >>> from sklspec.plotting import plot_spectra
    >>> d = make_spectra(n_samples=30, random_state=0)
    >>> ax = plot_spectra(d.X, d.y, wavelengths=d.wavelengths, unit="nm")
    >>> ax.get_xlabel()
    'Wavelength (nm)'
    >>> ax = plot_spectra(d.X, d.y, wavelengths=d.wavelengths, kind="mean_std")
    """
    check_choice(kind, "kind", ("lines", "mean_std"))
    arr = as_spectra(X)
    n, p = arr.shape
    w, known = spectral_axis(X, p, wavelengths)
    if y is not None:
        for key in ("color", "c", "colors", "label"):
            if key in line_kw:
                raise ValueError(
                    f"{key}= is set by y (one colour and legend entry per class "
                    "or a colormap); leave it out or pass y=None."
                )
    ax = get_ax(ax)
    if y is None:
        color = line_kw.pop("color", line_kw.pop("c", OKABE_ITO[0]))
        label = line_kw.pop("label", None)
        groups = [(label, np.ones(n, dtype=bool), color)]
        continuous = None
    else:
        yv = check_y(y, n)
        if target_kind(yv) == "classes":
            classes = np.unique(yv)
            colors = class_colors(len(classes))
            groups = [(str(c), yv == c, col) for c, col in zip(classes, colors)]
            continuous = None
        else:
            if kind == "mean_std":
                raise ValueError(
                    "kind='mean_std' draws one band per class, but y holds "
                    "continuous values; use kind='lines' (coloured by y) or pass "
                    "class labels."
                )
            groups, continuous = None, yv.astype(float)
    if kind == "lines":
        _draw_lines(ax, w, arr, groups, continuous, target_name(y), line_kw)
    else:
        for label, mask, color in groups:
            m = arr[mask]
            mean = np.nanmean(m, axis=0)
            sd = np.nanstd(m, axis=0)
            kw = {"linewidth": 1.5, **line_kw}
            text = f"{label} (n = {len(m)})" if label is not None else None
            if text is None and y is None:
                text = f"mean ± sd (n = {len(m)})"
            ax.plot(w, mean, color=color, label=text, **kw)
            ax.fill_between(w, mean - sd, mean + sd, color=color, alpha=0.25, lw=0)
        ax.set_xmargin(0)
        ax.autoscale_view()
    if y is None:
        if groups[0][0] is not None or kind == "mean_std":
            ax.legend(fontsize="small", frameon=False)
    elif continuous is None:  # (values have their colorbar)
        ax.legend(title=target_name(y, "class"), fontsize="small", frameon=False)
    finish_spectral_axis(ax, w, unit, known)
    return ax


def _draw_lines(ax, w, arr, groups, continuous, cbar_label, line_kw) -> None:
    from matplotlib.collections import LineCollection

    segments = np.stack([np.broadcast_to(w, arr.shape), arr], axis=-1)
    kw = {"linewidths": 0.8, **line_kw}
    if continuous is not None:
        kw.setdefault("alpha", 0.8)  # the colour carries the value: keep it
        lines = LineCollection(segments, array=continuous, cmap=CMAP, **kw)
        ax.add_collection(lines)
        ax.figure.colorbar(lines, ax=ax, label=cbar_label)
    else:
        for label, mask, color in groups:
            group_kw = {"alpha": _default_alpha(int(mask.sum())), **kw}
            lines = LineCollection(
                segments[mask], colors=color, label=label, **group_kw
            )
            ax.add_collection(lines)
    ax.set_xmargin(0)
    ax.autoscale_view()


def plot_reconstruction(
    X,
    X_reconstructed,
    *,
    X_clean=None,
    wavelengths=None,
    index: int = 0,
    unit: str | None = None,
    ax=None,
):
    """Plot one spectrum, its reconstruction and (when known) its clean form.

    For a :class:`~sklspec.embedders.MAEEmbedder` the reconstruction is
    ``reconstruct(X)``; for a :class:`~sklspec.embedders.VAEEmbedder`,
    ``inverse_transform(transform(X))``. The legend gives the root mean
    squared difference of the reconstruction from the clean spectrum (from the
    input without ``X_clean``).

    Parameters
    ----------
    X : array-like of shape (n_spectra, n_points) or (n_points,)
        The input spectra (noisy, say).
    X_reconstructed : array-like of the same shape as ``X``
        Their reconstructions.
    X_clean : array-like of the same shape as ``X``, optional
        The noise-free spectra, when known (synthetic data).
    wavelengths : array-like of shape (n_points,), optional
        The spectral axis; default: the numeric column names of a DataFrame
        ``X``, else the point index.
    index : int, default=0
        Which spectrum (row) to draw.
    unit : str, optional
        Unit of the axis (see :func:`plot_spectra`).
    ax : matplotlib Axes, optional
        Where to draw; default: a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    plot_spectra : Many spectra, coloured by class or target.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.plotting import plot_reconstruction
    >>> t = np.linspace(0, 1, 100)
    >>> clean = np.exp(-((t - 0.5) ** 2) / 0.01)[None, :]
    >>> noisy = clean + np.random.default_rng(0).normal(0, 0.05, clean.shape)
    >>> ax = plot_reconstruction(noisy, 0.9 * clean, X_clean=clean)
    >>> [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()]
    ['input', 'clean', 'reconstruction']
    """
    arr = as_spectra(X)
    rec = as_spectra(X_reconstructed, "X_reconstructed")
    if rec.shape != arr.shape:
        hint = ""
        if rec.shape[0] == arr.shape[0]:
            hint = (
                " An MAEEmbedder with a `grid` reconstructs on its grid: map the "
                "input onto the same grid first (embedder.grid_.transform(X))."
            )
        raise ValueError(
            f"X_reconstructed has shape {rec.shape} but X has shape {arr.shape}; "
            f"pass the reconstructions of these same spectra.{hint}"
        )
    clean = None
    if X_clean is not None:
        clean = as_spectra(X_clean, "X_clean")
        if clean.shape != arr.shape:
            raise ValueError(
                f"X_clean has shape {clean.shape} but X has shape {arr.shape}."
            )
    if not isinstance(index, numbers.Integral) or isinstance(index, bool):
        raise TypeError(f"index must be an int, got {type(index).__name__}.")
    if not -len(arr) <= index < len(arr):
        raise IndexError(
            f"index {index} is out of range for {len(arr)} spectra "
            f"(valid: {-len(arr)} to {len(arr) - 1})."
        )
    w, known = spectral_axis(X, arr.shape[1], wavelengths)
    ax = get_ax(ax)
    x, r = arr[index], rec[index]
    ax.plot(w, x, color=GREY, linewidth=0.8, label="input")
    if clean is not None:
        c = clean[index]
        ax.plot(w, c, color="black", linestyle="--", linewidth=1.0, label="clean")
        err, ref = np.sqrt(np.nanmean((r - c) ** 2)), "clean"
    else:
        err, ref = np.sqrt(np.nanmean((r - x) ** 2)), "input"
    ax.plot(
        w,
        r,
        color=OKABE_ITO[0],
        linewidth=1.5,
        label=f"reconstruction (RMSE {err:.3g} vs {ref})",
    )
    ax.set_xmargin(0)
    ax.autoscale_view()
    ax.legend(fontsize="small", frameon=False)
    finish_spectral_axis(ax, w, unit, known)
    return ax
