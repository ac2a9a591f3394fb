"""Predicted against measured values, with conformal intervals when given."""

from __future__ import annotations

import numpy as np

from ._base import GREY, OKABE_ITO, get_ax

__all__ = ["plot_predicted_vs_measured"]


def _check_values(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers.") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one value per sample), got shape {arr.shape}; "
            "plot one target column at a time."
        )
    return arr


def _check_intervals(intervals, n: int) -> np.ndarray:
    iv = np.asarray(intervals, dtype=float)
    if iv.ndim == 3 and iv.shape[2] == 1:  # one confidence level of MAPIE
        iv = iv[:, :, 0]
    if iv.ndim != 2 or iv.shape != (n, 2):
        extra = (
            " (several confidence levels: pass one, intervals[:, :, k])"
            if iv.ndim == 3
            else ""
        )
        raise ValueError(
            f"intervals must have shape (n_samples, 2) = ({n}, 2), the lower and "
            f"upper bounds of ConformalRegressor.predict_interval; got "
            f"{iv.shape}{extra}."
        )
    if np.any(iv[:, 0] > iv[:, 1]):
        raise ValueError("intervals have lower bounds above their upper bounds.")
    return iv


def plot_predicted_vs_measured(
    y_true,
    y_pred,
    *,
    intervals=None,
    ax=None,
):
    """Plot predicted against measured values, with the identity line.

    The legend gives the RMSE and R² of the predictions. With ``intervals``
    (the prediction intervals of
    :meth:`sklspec.conformal.ConformalRegressor.predict_interval`) each point
    gets a vertical bar from its lower to its upper bound; points whose
    measured value falls outside their interval are drawn in another colour
    and the legend counts them, i.e. the empirical coverage.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Measured (reference) values.
    y_pred : array-like of shape (n_samples,)
        Predicted values.
    intervals : array-like of shape (n_samples, 2), optional
        Lower and upper bound of each prediction (shape ``(n_samples, 2, 1)``
        is accepted too).
    ax : matplotlib Axes, optional
        Where to draw; default: a new (square) figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from sklspec.plotting import plot_predicted_vs_measured
    >>> rng = np.random.default_rng(0)
    >>> y = rng.normal(size=40)
    >>> pred = y + rng.normal(scale=0.3, size=40)
    >>> ax = plot_predicted_vs_measured(y, pred,
    ...                                 intervals=np.c_[pred - 0.6, pred + 0.6])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('measured', 'predicted')
    """
    yt = _check_values(y_true, "y_true")
    yp = _check_values(y_pred, "y_pred")
    if len(yt) != len(yp):
        raise ValueError(
            f"y_true has {len(yt)} values but y_pred has {len(yp)}; pass the "
            "predictions of the same samples."
        )
    if len(yt) == 0:
        raise ValueError("y_true is empty.")
    iv = None if intervals is None else _check_intervals(intervals, len(yt))
    ax = get_ax(ax, figsize=(4.8, 4.8) if ax is None else None)
    ok = np.isfinite(yt) & np.isfinite(yp)
    rmse = float(np.sqrt(np.mean((yp[ok] - yt[ok]) ** 2)))
    ss = float(np.sum((yt[ok] - yt[ok].mean()) ** 2))
    r2 = 1 - float(np.sum((yp[ok] - yt[ok]) ** 2)) / ss if ss > 0 else np.nan
    stats = f"RMSE {rmse:.3g}, R² {r2:.3f}"
    if iv is None:
        ax.scatter(yt, yp, s=18, color=OKABE_ITO[0], linewidths=0, label=stats)
        values = np.r_[yt[ok], yp[ok]]
    else:
        inside = (yt >= iv[:, 0]) & (yt <= iv[:, 1])
        n_out = int((~inside).sum())
        groups = [
            (
                inside,
                OKABE_ITO[0],
                f"{stats}\ninside the interval ({100 * inside.mean():.0f} %)",
            ),
            (~inside, OKABE_ITO[3], f"outside ({n_out} of {len(yt)})"),
        ]
        for mask, color, label in groups:
            if not mask.any():
                continue
            yerr = np.clip(
                np.vstack([yp[mask] - iv[mask, 0], iv[mask, 1] - yp[mask]]), 0, None
            )
            ax.errorbar(
                yt[mask],
                yp[mask],
                yerr=yerr,
                fmt="o",
                markersize=4,
                color=color,
                ecolor=color,
                elinewidth=0.8,
                alpha=0.85,
                label=label,
            )
        values = np.r_[yt[ok], yp[ok], iv[np.isfinite(iv)]]
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    lo, hi = lo - pad, hi + pad
    ax.plot([lo, hi], [lo, hi], color=GREY, linestyle="--", linewidth=1, zorder=0)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("measured")
    ax.set_ylabel("predicted")
    ax.legend(fontsize="small", frameon=False, loc="upper left")
    return ax
