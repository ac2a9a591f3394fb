"""Multi-fidelity comparison of high, low and converted spectra and latents."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, check_cv
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_array, check_consistent_length

from ._metrics import bias, lins_ccc, rmse, rpiq

__all__ = ["FEATURE_SETS", "MultiFidelityResult", "multifidelity_table"]

#: The five feature sets, in table order, with their kind.
FEATURE_SETS = {
    "high spectra": "spectra",
    "high latent": "latent",
    "low spectra": "spectra",
    "low->high spectra": "spectra",
    "low latent": "latent",
}

METRICS = ("r2", "rmse", "rpiq", "ccc", "bias")


def default_models() -> dict:
    """PLSR (components by inner 5-fold CV) on spectra, RidgeCV on latents."""
    pls = GridSearchCV(
        PLSRegression(scale=False),
        {"n_components": list(range(1, 16))},
        cv=5,
        scoring="neg_root_mean_squared_error",
    )
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
    return {"PLSR / RidgeCV": {"spectra": pls, "latent": ridge}}


def _model_for(spec, kind):
    return spec[kind] if isinstance(spec, dict) else spec


def _fit_predict(model, X_tr, y_tr, X_te):
    if isinstance(model, GridSearchCV) and isinstance(model.estimator, PLSRegression):
        max_c = max(1, min(X_tr.shape[1], int(len(X_tr) * 0.8) - 1))
        grid = [c for c in model.param_grid["n_components"] if c <= max_c] or [1]
        model = clone(model).set_params(
            param_grid={"n_components": grid}, cv=min(5, len(X_tr))
        )
    return np.asarray(clone(model).fit(X_tr, y_tr).predict(X_te)).reshape(-1)


class MultiFidelityResult:
    """Scores of :func:`multifidelity_table`.

    Attributes
    ----------
    records : list of dict
        One row per fold, feature set, model and target: ``fold``,
        ``feature_set``, ``model``, ``target``, ``n_features`` and the metrics
        ``r2``, ``rmse``, ``rpiq``, ``ccc``, ``bias``.
    """

    def __init__(self, records: list[dict], *, n_splits: int, leak_free: bool):
        self.records = records
        self.n_splits = n_splits
        self.leak_free = leak_free

    def summary(self) -> list[dict]:
        """Mean and std of every metric over folds, one row per combination."""
        keys = []
        for r in self.records:
            k = (r["feature_set"], r["model"], r["target"])
            if k not in keys:
                keys.append(k)
        rows = []
        for fs, model, target in keys:
            sel = [
                r
                for r in self.records
                if (r["feature_set"], r["model"], r["target"]) == (fs, model, target)
            ]
            row = {"feature_set": fs, "model": model, "target": target}
            for m in METRICS:
                v = np.array([r[m] for r in sel], dtype=float)
                row[m] = float(np.mean(v))
                row[f"{m}_std"] = float(np.std(v))
            rows.append(row)
        return rows

    def to_dict(self) -> dict:
        """Return ``{"records": [...], "summary": [...]}`` (JSON friendly)."""
        return {"records": self.records, "summary": self.summary()}

    def to_frame(self, *, per_fold: bool = False):
        """Return the summary (or every fold's scores) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.records if per_fold else self.summary())

    def __str__(self) -> str:
        header = ["feature set", "model", "target", *[m.upper() for m in METRICS]]
        rows = [
            [
                r["feature_set"],
                r["model"],
                str(r["target"]),
                *[f"{r[m]:.3g} ± {r[m + '_std']:.2g}" for m in METRICS],
            ]
            for r in self.summary()
        ]
        widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
        line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        out = [line, "-+-".join("-" * w for w in widths)]
        out += [
            " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            for row in rows
        ]
        note = f"mean ± std over {self.n_splits} folds"
        if not self.leak_free:
            note += "; the VAE was pretrained outside the folds (FrozenEstimator)"
        return "\n".join([*out, note])

    __repr__ = __str__


def multifidelity_table(
    X_low,
    X_high,
    y,
    *,
    converter,
    embedder=None,
    models=None,
    cv=5,
    target_names=None,
    random_state=0,
) -> MultiFidelityResult:
    """Compare high, low, converted spectra and latents on the same folds.

    The five feature sets of Sun et al. (2025), stage 3:

    ========================  ==================================================
    ``high spectra``          the high-fidelity (e.g. MIR) spectra
    ``high latent``           their VAE latent means
    ``low spectra``           the low-fidelity (e.g. NIR) spectra
    ``low->high spectra``     low-fidelity spectra converted by ``converter``
    ``low latent``            the converter's latent vectors of the low spectra
    ========================  ==================================================

    Inside every fold a clone of ``converter`` (and of ``embedder``) is
    fitted on the training part only, so no test spectrum reaches any
    training; the VAE is the converter's ``mir_embedder_``. A converter
    holding a ``FrozenEstimator`` VAE keeps it (a library pretrained
    elsewhere; the result says so).

    Parameters
    ----------
    X_low : array-like of shape (n_samples, n_points_low)
        Low-fidelity spectra.
    X_high : array-like of shape (n_samples, n_points_high)
        High-fidelity spectra of the same samples.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Properties; every target is modelled separately.
    converter : NIRtoMIRConverter
        The (unfitted) converter to clone in every fold.
    embedder : VAEEmbedder or None, default=None
        If given, replaces the converter's ``mir_embedder`` (cloned per fold).
    models : dict or None, default=None
        ``{name: estimator}`` or ``{name: {"spectra": est, "latent": est}}``.
        None: PLSR with 1-15 components chosen by inner 5-fold CV on spectra
        and standardised RidgeCV on latents.
    cv : int or cross-validation splitter, default=5
        Outer folds (an int gives a shuffled ``KFold``).
    target_names : list of str or None, default=None
        Names of the targets in the table.
    random_state : int, default=0
        Seed of the shuffled ``KFold``.

    Returns
    -------
    result : MultiFidelityResult
        ``print(result)`` shows one table; ``result.to_frame()`` and
        ``result.to_dict()`` convert it.

    Examples
    --------
    >>> from sklspec.datasets import make_paired_spectra
    >>> from sklspec.embedders import NIRtoMIRConverter, VAEEmbedder
    >>> from sklspec.evaluation import multifidelity_table
    >>> d = make_paired_spectra(n_samples=30, n_wavelengths_low=32,
    ...                         n_wavelengths_high=48, random_state=0)
    >>> vae = VAEEmbedder(latent_dim=3, hidden=(8,), max_epochs=1, random_state=0)
    >>> conv = NIRtoMIRConverter(vae, hidden=(8,), max_epochs=1, random_state=0)
    >>> res = multifidelity_table(d.X_low, d.X_high, d.y, converter=conv, cv=2)
    >>> len(res.summary())
    5
    """
    X_low = check_array(X_low, dtype=np.float64, input_name="X_low")
    X_high = check_array(X_high, dtype=np.float64, input_name="X_high")
    Y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    check_consistent_length(X_low, X_high, Y)
    if Y.ndim == 1:
        Y = Y[:, None]
    names = (
        list(target_names)
        if target_names is not None
        else (["y"] if Y.shape[1] == 1 else [f"y{j}" for j in range(Y.shape[1])])
    )
    if len(names) != Y.shape[1]:
        raise ValueError(
            f"target_names has {len(names)} names for {Y.shape[1]} targets."
        )
    models = default_models() if models is None else dict(models)
    if isinstance(cv, int):
        cv = KFold(cv, shuffle=True, random_state=random_state)
    cv = check_cv(cv)
    splits = list(cv.split(X_low))
    leak_free = embedder is not None or not isinstance(
        getattr(converter, "mir_embedder", None), FrozenEstimator
    )
    records = []
    for k, (tr, te) in enumerate(splits):
        conv = clone(converter)
        if embedder is not None:
            conv.set_params(mir_embedder=clone(embedder))
        conv.set_params(output="spectrum").fit(X_low[tr], X_high[tr])
        vae = conv.mir_embedder_
        feats = {
            "high spectra": (X_high[tr], X_high[te]),
            "high latent": (vae.transform(X_high[tr]), vae.transform(X_high[te])),
            "low spectra": (X_low[tr], X_low[te]),
            "low->high spectra": (conv.transform(X_low[tr]), conv.transform(X_low[te])),
        }
        conv.set_params(output="latent")
        feats["low latent"] = (conv.transform(X_low[tr]), conv.transform(X_low[te]))
        for fs, kind in FEATURE_SETS.items():
            F_tr, F_te = feats[fs]
            for mname, spec in models.items():
                model = _model_for(spec, kind)
                for j, tname in enumerate(names):
                    yt = Y[te, j]
                    yp = _fit_predict(model, F_tr, Y[tr, j], F_te)
                    records.append(
                        {
                            "fold": k,
                            "feature_set": fs,
                            "model": mname,
                            "target": tname,
                            "n_features": int(F_tr.shape[1]),
                            "r2": float(r2_score(yt, yp)),
                            "rmse": float(rmse(yt, yp)),
                            "rpiq": float(rpiq(yt, yp)),
                            "ccc": float(lins_ccc(yt, yp)),
                            "bias": float(bias(yt, yp)),
                        }
                    )
    return MultiFidelityResult(records, n_splits=len(splits), leak_free=leak_free)
