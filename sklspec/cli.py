"""The ``sklspec`` command line.

``sklspec demo``
    The main job on the embedded default: the scene of
    :func:`sklspec.datasets.make_demo_scene` (120 labelled NIR-like spectra
    whose classes follow a non-linear rule hidden under scatter, plus an
    unlabelled pool for pretraining; or ``--data PATH``), every baseline and
    embedder pipeline compared in cross-validation on the same folds, a
    leaderboard with the chance level on screen and CSV / JSON (and PNG
    charts, drawn by :mod:`sklspec.plotting`, when matplotlib is installed)
    in an output folder; then a
    label-fraction curve (accuracy with 5, 10, 20, 50 and 100 % of the labels
    of each training fold, 3 folds) of MiniRocket, PLS-DA and, when the zoo
    has it, the shipped pretrained encoder ``sklspec-base`` under a linear
    head (``--curve-models``, ``--no-curve``).
``sklspec compare --data PATH --target NAME``
    The same on a user's file (npz schema or wide CSV).

Both also report the applicability domain (``--no-domain`` turns it off): a
:class:`sklspec.domain.PCAOutlierDetector` (Hotelling T² and Q combined,
``alpha=0.05``) fitted on the spectra of each training fold counts the test
spectra of that fold that fall outside it.
``sklspec models``
    The model names available in this environment.
``sklspec pretrain --output DIR``
    Pretrain an encoder on the synthetic spectral prior
    (:func:`sklspec.pretrained.pretrain`): streaming, checkpoints every
    ``--checkpoint-every`` steps, ``--resume`` after an interruption,
    ``--device cuda`` on a GPU; saves the encoder and its model card.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ._version import __version__

TASKS = ("classification", "regression")
#: Sizes of the demo scene of ``sklspec demo`` (``--n-samples``,
#: ``--n-unlabeled``).
DEMO_N_LABELED, DEMO_N_UNLABELED = 120, 2000


class CLIError(Exception):
    """An error reported to the user as ``sklspec: error: ...`` (exit code 2)."""


def _infer_task(y) -> str:
    from sklearn.utils.multiclass import type_of_target

    kind = type_of_target(y)
    if kind in ("binary", "multiclass"):
        return "classification"
    if kind in ("continuous", "continuous-multioutput"):
        return "regression"
    raise CLIError(
        f"cannot tell whether the target is classes or values (type {kind!r}); "
        "choose another --target."
    )


def available_models(
    task: str,
    *,
    random_state: int = 0,
    quick: bool = True,
    X_unlabeled=None,
    names: list[str] | None = None,
    verbose: int = 0,
):
    """Return the models the CLI compares: name -> (estimator, param_grid).

    The names come from :func:`sklspec.zoo.list_models` (nothing is built to
    learn them); only the selected models are built, by
    :func:`sklspec.zoo.make_models`.

    Parameters
    ----------
    task : {"classification", "regression"}
        The learning task.
    random_state : int, default=0
        Seed of every model.
    quick : bool, default=True
        Cheaper schedules for the neural models (the demo's default).
    X_unlabeled : array-like, optional
        Unlabelled spectra; when given, the self-supervised models are
        pretrained once on them (never on the labelled test folds).
    names : list of str, optional
        Keep only these models (case-insensitive), in this order; unknown
        names raise :class:`CLIError` listing the valid ones.
    verbose : int, default=0
        1 reports the pretraining time.

    Returns
    -------
    models : dict
        The baselines of :func:`sklspec.baselines.make_baselines` followed by
        the self-supervised models of :func:`sklspec.finetune.make_ssl_models`
        (the zoo's registry order), or the models of ``names`` in their order.
    """
    from .zoo import make_models

    selected = _select(_model_names(task), names)
    models = make_models(
        task,
        include=selected,
        random_state=random_state,
        quick=quick,
        X_unlabeled=X_unlabeled,
        verbose=verbose,
    )
    return {name: models[name] for name in selected}


def _model_names(task: str) -> list[str]:
    """The names of the models of ``task`` that can run here, building none."""
    from .zoo import list_models

    return list_models(task, available_only=True)


def _select(available: list[str], names: list[str] | None) -> list[str]:
    if not names:
        return list(available)
    lookup = {name.lower(): name for name in available}
    unknown = [n for n in names if n.lower() not in lookup]
    if unknown:
        raise CLIError(
            f"unknown model name(s) {unknown}; available: {', '.join(available)} "
            "(see `sklspec models`)."
        )
    return [lookup[n.lower()] for n in names]


def _wrap(pipeline, grid, inner_cv: int, task: str):
    """Tune ``pipeline`` over ``grid`` with an inner CV (nested CV)."""
    if not grid:
        return pipeline
    from sklearn.model_selection import GridSearchCV

    scoring = "accuracy" if task == "classification" else "r2"
    return GridSearchCV(pipeline, grid, cv=inner_cv, scoring=scoring, n_jobs=1)


def _load(args):
    """Return X, y, groups, X_unlabeled and a description of the source."""
    from .datasets import make_demo_scene, make_spectra

    if args.data is None and (args.task or "classification") == "classification":
        scene = make_demo_scene(
            n_labeled=args.n_samples,
            n_unlabeled=args.n_unlabeled,
            random_state=args.random_state,
        )
        name = (
            f"make_demo_scene(random_state={args.random_state}): {args.n_samples} "
            f"labelled + {args.n_unlabeled} unlabelled"
        )
        X_unlabeled = scene.X_unlabeled if args.n_unlabeled else None
        return scene.X, scene.y, None, X_unlabeled, name
    if args.data is None:  # the regression demo: make_spectra
        n_unlabeled = args.n_unlabeled
        bunch = make_spectra(
            n_samples=args.n_samples + n_unlabeled,
            task=args.task or "classification",
            random_state=args.random_state,
        )
        # The first n_samples are the labelled set, the rest an unlabelled pool
        # (its labels are dropped here and never used).
        X, y = bunch.X[: args.n_samples], bunch.y[: args.n_samples]
        X_unlabeled = bunch.X[args.n_samples :] if n_unlabeled else None
        name = (
            f"make_spectra(random_state={args.random_state}): {args.n_samples} "
            f"labelled + {n_unlabeled} unlabelled"
        )
        return X, y, None, X_unlabeled, name
    bunch = _read(
        args.data,
        target=args.target,
        references=args.references,
        key=args.key,
        resample=args.resample,
    )
    if bunch.get("y") is None:
        raise CLIError(
            f"{args.data} holds spectra without target values: for a folder of "
            "instrument files give --references refs.csv (one row of reference "
            "values per file) and --target NAME."
        )
    y = np.asarray(bunch.y)
    if y.ndim == 2:
        if y.shape[1] != 1:
            names = list(getattr(bunch, "target_names", None) or [])
            raise CLIError(
                f"{args.data} has {y.shape[1]} targets {names}; pick one with "
                "--target NAME."
            )
        y = y[:, 0]
    X = np.asarray(bunch.X, dtype=float)
    groups = None if not args.groups else np.asarray(_lookup_groups(bunch, args.groups))
    if y.dtype.kind == "f":
        keep = np.isfinite(y)
        if not keep.all():
            print(
                f"note: {int((~keep).sum())} spectra without a target value "
                "are left out.",
                file=sys.stderr,
            )
            X, y = X[keep], y[keep]
            groups = None if groups is None else groups[keep]
    X_unlabeled = None
    if args.unlabeled:
        X_unlabeled = np.asarray(_read(args.unlabeled).X, dtype=float)
        if X_unlabeled.shape[1] != X.shape[1]:
            raise CLIError(
                f"--unlabeled spectra have {X_unlabeled.shape[1]} points but "
                f"--data has {X.shape[1]}; resample them onto the same axis."
            )
    return X, y, groups, X_unlabeled, str(args.data)


def _read(path, target=None, **options):
    from .datasets import load_spectra

    try:
        return load_spectra(path, target=target, **options)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        raise CLIError(exc.args[0] if exc.args else str(exc)) from exc


def _lookup_groups(bunch, key):
    for source in (bunch, getattr(bunch, "extras", {}) or {}):
        if key in source:
            return source[key]
    raise CLIError(f"--groups {key!r} is not a key of the data file.")


def _machine() -> dict:
    import sklearn
    import torch

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "scikit_learn": sklearn.__version__,
        "sklspec": __version__,
        "device": "cpu",
    }


def _pyplot():
    """``matplotlib.pyplot`` on the Agg backend, or None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _chance_level(y, task: str) -> dict | None:
    """The majority-class rate of ``y`` (classification), else None."""
    if task != "classification":
        return None
    classes, counts = np.unique(np.asarray(y), return_counts=True)
    k = int(np.argmax(counts))
    return {
        "accuracy": float(counts[k] / counts.sum()),
        "rule": "majority-class rate",
        "majority_class": classes[k].item(),
        "n_majority": int(counts[k]),
        "n_spectra": int(counts.sum()),
    }


def _chance_line(chance: dict) -> str:
    return (
        f"chance level (majority-class rate): accuracy {chance['accuracy']:.3f} "
        f"(class {chance['majority_class']}: {chance['n_majority']} of "
        f"{chance['n_spectra']} spectra)"
    )


def _reference_score(task: str, chance_accuracy: float | None) -> float | None:
    """The score of a model that learns nothing: chance accuracy, or R² = 0."""
    return chance_accuracy if task == "classification" else 0.0


def _save_leaderboard(result, path: Path, task: str, chance: float | None) -> bool:
    """Write the leaderboard chart (:func:`sklspec.plotting.plot_leaderboard`).

    Returns False without matplotlib, or when the results lack the metric.
    """
    plt = _pyplot()
    metric = "accuracy" if task == "classification" else "r2"
    if plt is None or metric not in result.metrics_:
        return False
    from .plotting import plot_leaderboard

    fig, ax = plt.subplots(
        figsize=(7, 0.45 * len(result.scores_) + 1.4), layout="constrained"
    )
    try:
        plot_leaderboard(result, metric=metric, chance=chance, ax=ax)
        ax.set_title("sklspec leaderboard", loc="left")
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
    return True


#: The labelled fractions of the demo's label-fraction curve (of each
#: training fold's labelled spectra).
CURVE_FRACTIONS = (0.05, 0.1, 0.2, 0.5, 1.0)


def _curve_names(task: str, names: list[str] | None) -> list[str]:
    """The models of the label-fraction curve: ``names``, or the default set.

    The default is MiniRocket (when aeon is installed), PLS-DA (PLSR for
    regression) and the shipped pretrained encoder ``"sklspec-base"`` under a
    linear head, when the zoo has it.
    """
    available = _model_names(task)
    if names:
        return _select(available, names)
    linear = "PLS-DA" if task == "classification" else "PLSR"
    return [n for n in ("MiniRocket", linear, "sklspec-base") if n in available]


def _fit_on_few(pipeline, grid, X, y, *, inner_cv: int, task: str, random_state):
    """Fit ``pipeline`` on a (possibly tiny) labelled subset.

    The grid is searched with an inner CV of ``inner_cv`` folds, or fewer
    where the subset's smallest class (its size, for regression) cannot
    hold them; below two folds the pipeline keeps its own defaults.
    """
    import warnings

    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    estimator = clone(pipeline)
    if grid:
        if task == "classification":
            folds = min(inner_cv, int(np.unique(y, return_counts=True)[1].min()))
            splitter, scoring = StratifiedKFold, "accuracy"
        else:
            folds = min(inner_cv, len(y) // 2)
            splitter, scoring = KFold, "r2"
        if folds >= 2:
            cv = splitter(folds, shuffle=True, random_state=random_state)
            estimator = GridSearchCV(estimator, grid, cv=cv, scoring=scoring)
    with warnings.catch_warnings():
        # grid points that a tiny subset cannot fit (more neighbours or
        # components than spectra) fail and are skipped, with a warning each
        warnings.simplefilter("ignore", UserWarning)
        return estimator.fit(X, y)


def label_fraction_report(
    models: dict,
    X,
    y,
    *,
    task: str,
    fractions=CURVE_FRACTIONS,
    cv: int = 3,
    inner_cv: int = 3,
    random_state: int = 0,
    progress: bool = True,
):
    """The demo's label-fraction curve: scores vs the fraction of labels used.

    The labelled spectra are split in ``cv`` folds (stratified for
    classification); for each fold, every model is fitted on ``fraction``
    of the other folds' spectra (a stratified draw with at least one
    spectrum per class, as in :func:`sklspec.evaluation.label_fraction_curve`;
    ``1.0`` is all of them; never fewer spectra than classes, or than two for
    regression) and scored on the held-out fold. All models see
    the same draws. Unlike :func:`~sklspec.evaluation.label_fraction_curve`,
    whose fractions are of all samples and exclude 1, the fractions here are
    of each training part, up to all of it.

    Parameters
    ----------
    models : dict
        Name -> ``(pipeline, param_grid)``, as :func:`available_models`
        returns; grids are searched by :func:`_fit_on_few`.
    X : ndarray of shape (n_samples, n_points)
        The labelled spectra.
    y : ndarray of shape (n_samples,)
        Their targets.
    task : {"classification", "regression"}
        The task.
    fractions : sequence of float, default=CURVE_FRACTIONS
        Fractions of each training part, in ``(0, 1]``.
    cv : int, default=3
        Folds; each is one repeat of the curve.
    inner_cv : int, default=3
        Folds of the inner grid search (fewer on tiny subsets).
    random_state : int, default=0
        Seeds the folds and the draws.
    progress : bool, default=True
        Print a line per model to stderr.

    Returns
    -------
    result : sklspec.evaluation.LabelFractionResult
        Scores of shape (n_fractions, cv) per model; ``n_labelled_`` is the
        mean number of labelled spectra at each fraction; failures are
        recorded in ``errors_`` (their scores are NaN).
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    from .evaluation import LabelFractionResult
    from .evaluation._label_fraction import _draw_labelled

    X, y = np.asarray(X), np.asarray(y)
    stratify = task == "classification"
    splitter = (StratifiedKFold if stratify else KFold)(
        cv, shuffle=True, random_state=random_state
    )
    splits = list(splitter.split(X, y))
    metric = "accuracy" if task == "classification" else "r2"
    draws = []  # draws[fold][fraction] -> labelled indices
    for k, (train, _) in enumerate(splits):
        # at least one spectrum per class (two spectra for regression)
        n_min = len(np.unique(y[train])) if stratify else 2
        row = []
        for i, f in enumerate(fractions):
            n_lab = max(n_min, int(round(f * len(train))))
            if n_lab >= len(train):
                row.append(np.sort(train))
            else:
                rng = np.random.RandomState([random_state, k, i])
                row.append(_draw_labelled(rng, train, y[train], n_lab, stratify))
        draws.append(row)
    n_labelled = [
        int(round(np.mean([len(draws[k][i]) for k in range(cv)])))
        for i in range(len(fractions))
    ]
    scores, errors, fit_time = {}, {}, {}
    for index, (name, (pipeline, grid)) in enumerate(models.items()):
        start = time.perf_counter()
        s = np.full((len(fractions), cv), np.nan)
        ft = np.full((len(fractions), cv), np.nan)
        for k, (_, test) in enumerate(splits):
            for i in range(len(fractions)):
                lab = draws[k][i]
                try:
                    t0 = time.perf_counter()
                    fitted = _fit_on_few(
                        pipeline,
                        grid,
                        X[lab],
                        y[lab],
                        inner_cv=inner_cv,
                        task=task,
                        random_state=random_state,
                    )
                    ft[i, k] = time.perf_counter() - t0
                    s[i, k] = fitted.score(X[test], y[test])
                except Exception as exc:  # recorded, the demo goes on
                    errors.setdefault(name, f"{type(exc).__name__}: {exc}")
        scores[name], fit_time[name] = s, ft
        if progress:
            cells = ", ".join(
                f"{100 * f:g}%: {np.nanmean(row):.3f}"
                if np.isfinite(row).any()
                else f"{100 * f:g}%: -"
                for f, row in zip(fractions, s)
            )
            state = f"failed ({errors[name]})" if name in errors else metric
            print(
                f"[curve {index + 1}/{len(models)}] {name}: {state} {cells} "
                f"({time.perf_counter() - start:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
    return LabelFractionResult(
        scores,
        fractions,
        n_labelled,
        metric,
        errors=errors,
        test_size=f"1/{cv}",
        fit_time=fit_time,
    )


def _save_curve(curve, path: Path, chance: float | None) -> bool:
    """Write the label-fraction chart (``plot_label_fraction_curve``).

    Returns False without matplotlib, or when no model has a finite score.
    """
    plt = _pyplot()
    if plt is None or not any(np.isfinite(s).any() for s in curve.scores_.values()):
        return False
    from .plotting import plot_label_fraction_curve

    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    try:
        plot_label_fraction_curve(
            curve,
            chance=chance,
            xlabel="labels used (% of each training fold)",
            ax=ax,
        )
        ax.set_title("sklspec label-fraction curve")
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
    return True


def _domain_components(n_train: int, n_points: int, wanted: int) -> int:
    """``wanted`` components, or fewer where a training fold cannot hold them."""
    inner_train = n_train - int(np.ceil(n_train / 5))  # the detector's 5-fold CV
    return max(1, min(wanted, n_points - 1, inner_train - 1))


def domain_report(X, splits, *, n_components: int = 10, alpha: float = 0.05):
    """How many test spectra of each fold lie outside the training domain.

    For every ``(train, test)`` split a
    :class:`sklspec.domain.PCAOutlierDetector` (``statistic="combined"``:
    Hotelling T² plus Q-residual, the total distance of DD-SIMCA) is fitted
    on the training spectra and counts the test spectra it flags (``predict
    == -1``). Spectra like the training ones are flagged at about the
    false-alarm rate ``alpha``; many more means the test folds hold spectra
    the training folds do not represent (another instrument, batch, scale).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_points)
        The spectra, as given to the models.
    splits : list of (train, test) index arrays
        The cross-validation folds (``ComparisonResult.splits_``).
    n_components : int, default=10
        PCA components, lowered where a training fold holds too few spectra
        or the spectra too few points.
    alpha : float, default=0.05
        False-alarm rate of the detector.

    Returns
    -------
    report : dict
        ``detector`` (a description), ``alpha``, ``n_components`` (per
        fold), ``folds`` (one dict per fold: ``fold``, ``n_test``,
        ``n_outside``, ``fraction_outside``), totals ``n_test``,
        ``n_outside``, ``fraction_outside``; or ``error`` (str) when no
        detector could be fitted.
    """
    import warnings

    from .domain import PCAOutlierDetector

    X = np.asarray(X, dtype=float)
    folds, components = [], []
    try:
        for i, (train, test) in enumerate(splits):
            k = _domain_components(len(train), X.shape[1], n_components)
            detector = PCAOutlierDetector(
                n_components=k, statistic="combined", alpha=alpha, random_state=0
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # small folds
                outside = int((detector.fit(X[train]).predict(X[test]) == -1).sum())
            components.append(k)
            folds.append(
                {
                    "fold": i,
                    "n_test": int(len(test)),
                    "n_outside": outside,
                    "fraction_outside": outside / max(len(test), 1),
                }
            )
    except ValueError as exc:
        return {"error": str(exc)}
    n_test = sum(f["n_test"] for f in folds)
    n_outside = sum(f["n_outside"] for f in folds)
    return {
        "detector": "PCAOutlierDetector(statistic='combined') fitted on each "
        "training fold's spectra",
        "alpha": alpha,
        "n_components": components,
        "folds": folds,
        "n_test": n_test,
        "n_outside": n_outside,
        "fraction_outside": n_outside / max(n_test, 1),
    }


def _domain_line(report: dict) -> str:
    if "error" in report:
        return f"applicability domain: not computed ({report['error']})"
    ks = sorted(set(report["n_components"]))
    per_fold = ", ".join(str(f["n_outside"]) for f in report["folds"])
    return (
        f"applicability domain (PCA T² + Q, {'/'.join(map(str, ks))} components, "
        f"alpha {report['alpha']:g}, fitted on each training fold): "
        f"{report['n_outside']} of {report['n_test']} test spectra "
        f"({100 * report['fraction_outside']:.1f} %) outside, per fold "
        f"{per_fold}; about {100 * report['alpha']:g} % are expected by chance"
    )


def _run_compare(args, command: str) -> int:
    from .evaluation import compare

    t0 = time.perf_counter()
    X, y, groups, X_unlabeled, source = _load(args)
    task = args.task or _infer_task(y)
    models = available_models(
        task,
        random_state=args.random_state,
        quick=args.quick,
        X_unlabeled=X_unlabeled,
        names=args.models,
        verbose=1,
    )
    estimators = {
        name: _wrap(pipe, grid, args.inner_cv, task)
        for name, (pipe, grid) in models.items()
    }
    print(
        f"sklspec {__version__}: {task} on {source}: {X.shape[0]} spectra x "
        f"{X.shape[1]} points, {len(estimators)} models, {args.cv}-fold CV",
        file=sys.stderr,
    )
    result = compare(
        estimators,
        X,
        y,
        cv=args.cv,
        groups=groups,
        n_jobs=args.n_jobs,
        progress=True,
        random_state=args.random_state,
        error_score=np.nan,
    )
    domain = (
        domain_report(X, result.splits_, n_components=args.domain_components)
        if args.domain
        else None
    )
    chance = _chance_level(y, task)
    chance_accuracy = None if chance is None else chance["accuracy"]
    print(result)
    if chance is not None:
        print(_chance_line(chance))
    if domain is not None:
        print(_domain_line(domain))
    curve = None
    if getattr(args, "curve", False):
        curve = _run_curve(args, models, X, y, task, X_unlabeled)
        print(f"\nlabel-fraction curve ({', '.join(curve.scores_)}):")
        print(curve)
    wall = time.perf_counter() - t0
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    result.to_csv(out / "results.csv")
    payload = {
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": source,
        "task": task,
        "n_spectra": int(X.shape[0]),
        "n_points": int(X.shape[1]),
        "cv": args.cv,
        "wall_seconds": round(wall, 2),
        "machine": _machine(),
        "results": result.to_dict(),
        "chance_level": chance,
        "domain": domain,
    }
    written, charts = ["results.csv", "results.json"], []
    reference = _reference_score(task, chance_accuracy)
    if curve is not None:
        curve.to_csv(out / "label_fraction.csv")
        written.append("label_fraction.csv")
        payload["label_fraction"] = curve.to_dict()
    if _save_leaderboard(result, out / "leaderboard.png", task, reference):
        charts.append("leaderboard.png")
    if curve is not None and _save_curve(curve, out / "label_fraction.png", reference):
        charts.append("label_fraction.png")
    written += charts
    payload["files"] = written
    (out / "results.json").write_text(json.dumps(payload, indent=2, default=str))
    print(
        f"\nwrote {', '.join(written)} to {out}/ in {wall:.1f} s",
        file=sys.stderr,
    )
    for name in charts:
        what = "leaderboard" if name == "leaderboard.png" else "label-fraction curve"
        print(f"{what} chart: {out / name}", file=sys.stderr)
    if _pyplot() is None:
        print(
            "note: no charts (leaderboard.png, label_fraction.png) without "
            'matplotlib: pip install "sklspec[plot]"',
            file=sys.stderr,
        )
    return 0


def _run_curve(args, models, X, y, task, X_unlabeled):
    """The demo's label-fraction curve, reusing the leaderboard's models."""
    names = _curve_names(task, args.curve_models)
    built = dict(models)
    for name in [n for n in names if n not in models]:
        try:
            built.update(
                available_models(
                    task,
                    random_state=args.random_state,
                    quick=args.quick,
                    X_unlabeled=X_unlabeled,
                    names=[name],
                    verbose=1,
                )
            )
        except (ImportError, OSError, ValueError) as exc:
            if args.curve_models:  # asked for by name: an error
                raise CLIError(f"--curve-models {name!r}: {exc}") from exc
            print(f"note: {name} left out of the curve ({exc})", file=sys.stderr)
            names = [n for n in names if n != name]
    if not names:
        raise CLIError("no model left for the label-fraction curve.")
    print(
        f"label-fraction curve: {', '.join(names)} on "
        f"{', '.join(f'{100 * f:g}' for f in CURVE_FRACTIONS)} % of the labels "
        f"of each training fold, {args.curve_cv}-fold",
        file=sys.stderr,
    )
    return label_fraction_report(
        {n: built[n] for n in names},
        X,
        y,
        task=task,
        cv=args.curve_cv,
        inner_cv=args.inner_cv,
        random_state=args.random_state,
    )


def _cmd_models(args) -> int:
    for task in TASKS if args.task is None else (args.task,):
        names = _model_names(task)
        print(f"{task}: {', '.join(names)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``sklspec`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser.
    """
    parser = argparse.ArgumentParser(
        prog="sklspec",
        description="Self-supervised learning for spectra, compared in "
        "cross-validation against the classic chemometrics baselines.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, *, data_required: bool):
        p.add_argument(
            "--data",
            required=data_required,
            help="npz file/folder of the sklspec schema, wide CSV, a data set "
            "name found under $SKLSPEC_DATA, or a folder/glob of instrument "
            "files (OPUS, JCAMP-DX, SPC, ASD, WDF; with --references)",
        )
        p.add_argument("--target", help="target column / key (default: y)")
        p.add_argument(
            "--references",
            help="CSV of reference values for a folder of instrument files, "
            "one row per file (see --key)",
        )
        p.add_argument(
            "--key",
            default="file",
            help="column of --references that names the spectrum: 'file' (file "
            "name, with or without extension, the default) or 'sample_id'",
        )
        p.add_argument(
            "--resample",
            action="store_true",
            help="put instrument files on different axes onto the first file's "
            "axis instead of refusing them",
        )
        p.add_argument("--task", choices=TASKS, help="default: inferred from y")
        p.add_argument("--groups", help="key of group labels for grouped CV")
        p.add_argument("--cv", type=int, default=5, help="outer folds (default 5)")
        p.add_argument(
            "--inner-cv", type=int, default=3, help="folds of the inner grid search"
        )
        p.add_argument("--models", nargs="+", help="model names (default: all)")
        p.add_argument("--output", default="sklspec-results", help="output folder")
        p.add_argument("--n-jobs", type=int, default=None)
        p.add_argument("--random-state", type=int, default=0)
        p.add_argument(
            "--full",
            dest="quick",
            action="store_false",
            help="paper-length training of the neural models (slow)",
        )
        p.add_argument(
            "--unlabeled",
            help="extra unlabelled spectra (same schema and axis) used only to "
            "pretrain the self-supervised models",
        )
        p.add_argument(
            "--domain",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="report how many test spectra of each fold lie outside the "
            "applicability domain of its training spectra (PCA T² + Q, alpha "
            "0.05; default: on)",
        )
        p.add_argument(
            "--domain-components",
            type=int,
            default=10,
            help="PCA components of the applicability-domain check (default 10)",
        )
        # the sizes of the demo scene (without --data); unused by compare
        p.add_argument(
            "--n-samples",
            type=int,
            default=DEMO_N_LABELED,
            help=argparse.SUPPRESS
            if data_required
            else "without --data: labelled spectra of the demo scene "
            f"(default {DEMO_N_LABELED}, balanced classes)",
        )
        p.add_argument(
            "--n-unlabeled",
            type=int,
            default=DEMO_N_UNLABELED,
            help=argparse.SUPPRESS
            if data_required
            else "without --data: unlabelled spectra of the demo scene, the "
            f"pool the self-supervised models pretrain on (default "
            f"{DEMO_N_UNLABELED})",
        )

    demo = sub.add_parser(
        "demo",
        help="the main job on the embedded default data",
        description="Compare every model on the demo scene of "
        "sklspec.datasets.make_demo_scene (or --data), then draw a "
        "label-fraction curve. Without --data: 3 classes set by a non-linear "
        "rule on two constituents whose bands hide under major ones, strong "
        "scatter, few labels and an unlabelled pool for pretraining. The "
        "defaults (quick schedules, 5 folds, a 3-fold curve of three models) "
        "finish in under three minutes on 2 CPU cores.",
    )
    common(demo, data_required=False)
    demo.add_argument(
        "--curve",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the leaderboard, score models trained on 5, 10, 20, 50 and "
        "100 %% of the labels of each training fold (label_fraction.csv / .png; "
        "default: on)",
    )
    demo.add_argument(
        "--curve-models",
        nargs="+",
        help="models of the label-fraction curve (default: MiniRocket, PLS-DA "
        "and the pretrained encoder sklspec-base when available)",
    )
    demo.add_argument(
        "--curve-cv",
        type=int,
        default=3,
        help="folds of the label-fraction curve, one repeat each (default 3)",
    )
    compare_p = sub.add_parser("compare", help="compare every model on your data")
    common(compare_p, data_required=True)
    models = sub.add_parser("models", help="list the available model names")
    models.add_argument("--task", choices=TASKS)
    pre = sub.add_parser(
        "pretrain",
        help="pretrain an encoder on the synthetic spectral prior (streaming, "
        "checkpoints, resume)",
        description="Pretrain an encoder on sklspec.datasets.SpectralPrior and "
        "save it with save_pretrained() and a model card. Training state is "
        "checkpointed; rerun the same command with --resume to continue an "
        "interrupted run exactly.",
    )
    pre.add_argument(
        "--objective", choices=("mae", "transform", "hybrid"), default="mae"
    )
    pre.add_argument(
        "--passes", type=float, default=1e6, help="budget in spectrum passes"
    )
    pre.add_argument("--batch-size", type=int, default=64)
    pre.add_argument("--n-points", type=int, default=256, help="canonical grid")
    pre.add_argument("--lr", type=float, default=2e-3)
    pre.add_argument(
        "--pooling",
        default=None,
        help="read-out of the saved embedder (default: avg for mae, avgmax for "
        "the CNN objectives)",
    )
    pre.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    pre.add_argument("--output", required=True, help="directory of the encoder")
    pre.add_argument(
        "--checkpoint",
        default=None,
        help="directory of the training state, written after every "
        "--checkpoint-every steps (default: OUTPUT/checkpoint)",
    )
    pre.add_argument(
        "--checkpoint-every",
        type=int,
        default=200,
        help="optimiser steps per epoch, hence between checkpoints",
    )
    pre.add_argument(
        "--resume", action="store_true", help="continue from the checkpoint"
    )
    pre.add_argument(
        "--real",
        nargs="*",
        default=None,
        metavar="SOURCE",
        help="mix real unlabelled spectra into the prior stream: earthlib, "
        'chemotools (pip install "sklspec[pretrain]")',
    )
    pre.add_argument(
        "--real-fraction", type=float, default=0.1, help="share of each batch"
    )
    pre.add_argument("--seed", type=int, default=0)
    pre.add_argument("--name", default=None, help="name on the model card")
    pre.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _cmd_pretrain(args) -> int:
    """``sklspec pretrain``: stream the prior, checkpoint, save, write the card."""
    from .pretrained import pretrain, write_model_card

    out = Path(args.output)
    # pretrain refuses an existing checkpoint without --resume
    checkpoint = Path(args.checkpoint) if args.checkpoint else out / "checkpoint"
    if args.passes < 1:
        raise CLIError("--passes must be at least 1.")
    try:
        encoder = pretrain(
            args.objective,
            n_passes=int(args.passes),
            batch_size=args.batch_size,
            n_points=args.n_points,
            lr=args.lr,
            pooling=args.pooling,
            real_spectra=args.real,
            real_fraction=args.real_fraction,
            device=args.device,
            checkpoint=checkpoint,
            checkpoint_every=args.checkpoint_every,
            resume=args.resume,
            random_state=args.seed,
            verbose=0 if args.quiet else 1,
        )
    except (ValueError, RuntimeError, ImportError) as exc:
        raise CLIError(str(exc)) from exc
    encoder.save_pretrained(out)
    card = write_model_card(out, name=args.name or out.name)
    s = encoder.training_summary_
    print(
        f"pretrained {args.objective}: {s['passes']:,} passes in "
        f"{s['train_seconds']:.0f} s "
        f"({s['passes'] / max(s['train_seconds'], 1e-9):,.0f}"
        f" passes/s), final loss {s['final_loss']:.4f}\nsaved {out} "
        f"(load it with sklspec.pretrained.load_pretrained({str(out)!r})); card "
        f"{card}"
    )
    return 0


def _busy_cpus(interval: float = 0.25) -> float:
    """Cores that other processes keep busy right now (Linux ``/proc/stat``).

    Two readings ``interval`` seconds apart (this process sleeps between
    them); 0 where ``/proc/stat`` cannot be read. Unlike the load average it
    does not lag: a job that has just finished no longer counts.
    """

    def read():
        with open("/proc/stat") as f:
            fields = [float(v) for v in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
        return sum(fields), idle

    try:
        total0, idle0 = read()
        time.sleep(interval)
        total1, idle1 = read()
    except (OSError, ValueError, IndexError):
        return 0.0
    elapsed = total1 - total0
    if elapsed <= 0:
        return 0.0
    return (1.0 - (idle1 - idle0) / elapsed) * (os.cpu_count() or 1)


def _apply_thread_policy() -> int | None:
    """Choose the threads of this process before torch or BLAS start.

    Torch and BLAS start one thread per core in every process, and OpenMP
    threads spin while they wait: with another busy process on the machine
    each slows the other far more than its fair share
    (``benchmarks/results/threads.md``). The ``sklspec`` command therefore
    (unless ``SKLSPEC_THREADS=all``) checks at start-up whether other
    processes keep cores busy; if so (or with ``SKLSPEC_THREADS=N``) it uses
    only the free cores (or N threads) and lets idle OpenMP threads sleep
    (``OMP_WAIT_POLICY=PASSIVE``). On an idle machine it changes nothing.
    Variables the user set (``OMP_NUM_THREADS`` ...) win. Library code never
    changes them.

    Returns
    -------
    n_threads : int or None
        The thread count chosen; None when the policy is off, the machine is
        idle, or the user's own setting stands.
    """
    policy = os.environ.get("SKLSPEC_THREADS", "auto").strip().lower()
    if policy == "all":
        return None
    if "torch" in sys.modules:  # too late: torch has started its threads
        return None
    n_cpus = os.cpu_count() or 1
    if policy == "auto":
        busy = int(_busy_cpus() + 0.5)
        if busy == 0:
            # an idle machine: spinning OpenMP threads are fastest alone
            # (passive waiting costs a lone run ~45 %, threads.md)
            return None
        n_threads = max(1, n_cpus - busy)
    else:
        try:
            n_threads = max(1, int(policy))
        except ValueError:
            raise CLIError(
                f"SKLSPEC_THREADS={policy!r}: use 'auto', 'all' or a number of threads."
            ) from None
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "OMP_NUM_THREADS" in os.environ:
        return None
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, str(n_threads))
    return n_threads


def main(argv: list[str] | None = None) -> int:
    """Run the ``sklspec`` command.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    code : int
        0 on success, 2 on a usage or input error.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command = "sklspec " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "models":  # lists names: no torch, no threads
            return _cmd_models(args)
        _apply_thread_policy()
        if args.command == "pretrain":
            return _cmd_pretrain(args)
        if args.cv < 2:
            raise CLIError("--cv must be at least 2.")
        if args.domain_components < 1:
            raise CLIError("--domain-components must be at least 1.")
        if getattr(args, "curve", False) and args.curve_cv < 2:
            raise CLIError("--curve-cv must be at least 2.")
        if args.data is None and (args.n_samples < 3 or args.n_unlabeled < 0):
            raise CLIError("--n-samples must be at least 3, --n-unlabeled >= 0.")
        return _run_compare(args, command)
    except CLIError as exc:
        print(f"sklspec: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # pragma: no cover
        why = f": {exc}" if str(exc) else ""
        print(f"sklspec: interrupted{why}", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
