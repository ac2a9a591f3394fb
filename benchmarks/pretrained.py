"""The decisive benchmark of the shipped encoder: does pretraining on the prior pay?

Three subcommands, run in this order (``make bench`` runs ``evaluate``):

``objectives``
    Pretrain each objective of :data:`sklspec.pretrained.OBJECTIVES` on the
    synthetic prior with the same budget of spectrum passes, and score each
    frozen encoder with the quick form of the decisive check (linear head at
    10 and 20 % labels, 3 repeats, every data set) against MiniRocket and
    PLS. Writes ``results/pretrained_objectives.md``.
``ship --objective NAME``
    Pretrain the chosen objective at the full budget and save it into the
    package (``sklspec/pretrained/weights/sklspec-base``) with its model card.
``evaluate``
    The decisive benchmark: the frozen shipped encoder under a
    cross-validated linear head (logistic / ridge), alone and fused with
    MiniRocket, against MiniRocket, PLS(-DA), ELM and SVM at 5 / 10 / 20 /
    50 % labels, ``--repeats`` repeats, on every classification and
    regression set in ``SKLSPEC_DATA``; plus the same encoder pretrained
    in-domain only (on the unlabelled training part of each split, never the
    test part), randomly initialised, and pretrained further in-domain from
    the shipped weights. Writes ``results/pretrained.md`` and the figures of
    the model card.

Protocol: per repeat, a test part (30 %, stratified for classes) is held
out; the labelled set is the fraction of *all* spectra drawn from the rest
(at least two per class, at least 8 for regression); the unlabelled pool is
the rest of the training part. Scores: accuracy (classification), R²
(regression) on the test part, mean ± std over repeats. Every method sees
the same splits. Regression sets use their first target (rows without it
dropped).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from _common import Run, machine, matmul_gflops, parser, table
from sklearn.base import clone
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegressionCV, RidgeClassifierCV, RidgeCV
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedShuffleSplit,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

from sklspec.datasets import list_datasets, load_spectra

CLASSIFICATION = ("tablets_nir", "ucr_beef", "ucr_coffee", "ucr_ham", "ucr_oliveoil")
REGRESSION = (
    "shootout2002_tablets",
    "nirsoil",
    "tecator",
    "corn",
    "limesoda_cv98",
    "limesoda_h138",
    "limesoda_nrw115",
    "limesoda_sp231",
    "limesoda_ssp460",
    "raman_porkfat",
)
SHIP_NAME = "sklspec-base"
ALPHAS = np.logspace(-3, 6, 19)
#: Read-outs tried for each objective's encoder (its pooling parameter).
#: (flatten of the CNN's last block is 4,096 features: too slow for the
#: cross-validated logistic head here; the MAE's is 1,024)
READOUTS = {
    "mae": ("avg", "avgmax", "flatten"),
    "transform": ("avgmax",),
    "hybrid": ("avgmax",),
}


# ------------------------------------------------------------------- data
def load(name, data_home):
    b = load_spectra(name, data_home=data_home)
    X = np.asarray(b.X, dtype=np.float64)
    y = np.asarray(b.y)
    task = "classification" if name in CLASSIFICATION else "regression"
    target = None
    if task == "regression":
        if y.ndim == 2:
            names = b.get("target_names")
            names = [] if names is None else list(names)
            target = str(names[0]) if names else "0"
            y = y[:, 0]
        y = y.astype(float)
        keep = np.isfinite(y)
        X, y = X[keep], y[keep]
    return X, y, task, target


def splits(y, task, fraction, repeats, seed):
    """(labelled, pool, test) index triples, the same for every method."""
    n = len(y)
    out = []
    for r in range(repeats):
        rs = seed + 1000 * r
        idx = np.arange(n)
        if task == "classification":
            train, test = train_test_split(
                idx, test_size=0.3, stratify=y, random_state=rs
            )
            n_classes = len(np.unique(y))
            n_lab = max(int(round(fraction * n)), 2 * n_classes)
            n_lab = min(n_lab, len(train) - n_classes)
            sss = StratifiedShuffleSplit(1, train_size=n_lab, random_state=rs)
            lab, pool = next(sss.split(train, y[train]))
        else:
            train, test = train_test_split(idx, test_size=0.3, random_state=rs)
            n_lab = min(max(int(round(fraction * n)), 8), len(train) - 1)
            perm = np.random.default_rng(rs).permutation(len(train))
            lab, pool = perm[:n_lab], perm[n_lab:]
        out.append((train[lab], train[pool], test))
    return out


# ------------------------------------------------------------------ heads
def linear_head(task, n_labels_min):
    if task == "regression":
        return make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
    cv = max(2, min(3, n_labels_min))
    return make_pipeline(
        StandardScaler(), LogisticRegressionCV(Cs=8, cv=cv, max_iter=2000)
    )


def ridge_head(task):
    alphas = ALPHAS
    if task == "regression":
        return make_pipeline(StandardScaler(), RidgeCV(alphas=alphas))
    return make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=alphas))


def inner_cv(task, nmin):
    """Inner CV folds: 3, fewer when a class has fewer labelled members."""
    return 3 if task == "regression" else max(2, min(3, nmin))


def pls(task, n_lab, nmin):
    from sklspec.baselines import PLSDAClassifier as PLSDA

    cv = inner_cv(task, nmin)
    top = max(1, min(15, n_lab - n_lab // cv - 1))
    grid = {"n_components": list(range(1, top + 1))}
    est = PLSDA() if task == "classification" else PLSRegression(scale=False)
    return GridSearchCV(est, grid, cv=cv)


def svm(task, nmin):
    if task == "classification":
        return GridSearchCV(
            make_pipeline(StandardScaler(), SVC()),
            {"svc__C": [0.1, 1, 10, 100], "svc__gamma": ["scale"]},
            cv=inner_cv(task, nmin),
        )
    return GridSearchCV(
        make_pipeline(StandardScaler(), SVR()),
        {"svr__C": [0.1, 1, 10, 100]},
        cv=3,
    )


def elm(task, random_state):
    from sklspec.baselines import ELMClassifier, ELMRegressor

    cls = ELMClassifier if task == "classification" else ELMRegressor
    return make_pipeline(StandardScaler(), cls(random_state=random_state))


def score(est, F_lab, y_lab, F_test, y_test, task):
    from sklearn.metrics import accuracy_score, r2_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(F_lab, y_lab)
        pred = est.predict(F_test)
    pred = np.asarray(pred).ravel() if task == "regression" else pred
    return (
        accuracy_score(y_test, pred)
        if task == "classification"
        else r2_score(y_test, pred)
    )


def min_count(y):
    return int(np.unique(y, return_counts=True)[1].min())


def minirocket_features(X, pool_idx, seed):
    from sklspec.baselines import MiniRocketTransformer

    mr = MiniRocketTransformer(random_state=seed).fit(X[pool_idx])
    return mr.transform(X)


# --------------------------------------------------------------- encoders
def encoder_features(encoder, X):
    t0 = time.perf_counter()
    F = encoder.transform(X)
    return F, len(X) / max(time.perf_counter() - t0, 1e-9)


def indomain(base, X_pool, passes, seed, start_from=None):
    """The shipped architecture pretrained (or further) on the pool alone."""
    from sklearn.base import clone

    from sklspec.embedders import load_pretrained

    if start_from is not None:
        est = load_pretrained(start_from)
    else:
        est = clone(base).set_params(weights=None)
    # spectrum passes per spectrum and epoch: 7 for the pretext, 1 for the MAE
    per_spectrum = 7 if type(est).__name__ == "TransformRecogEmbedder" else 1
    epochs = max(1, math.ceil(passes / (per_spectrum * len(X_pool))))
    est.set_params(max_epochs=epochs, random_state=seed, batch_size=64)
    t0 = time.perf_counter()
    est.fit(X_pool)
    return est, time.perf_counter() - t0


def random_init(base, X_pool, seed):
    from sklearn.base import clone

    return (
        clone(base)
        .set_params(weights=None, max_epochs=0, random_state=seed)
        .fit(X_pool)
    )


# ----------------------------------------------------------------- evaluate
def run_set(name, data_home, encoders, methods, fractions, repeats, seed, run, opts):
    X, y, task, target = load(name, data_home)
    rows = []
    frozen, rates = {}, {}
    for label, enc in encoders.items():
        frozen[label], rates[label] = encoder_features(enc, X)
        run.log(f"{name}: {label} embeds {rates[label]:,.0f} spectra/s")
    per_repeat_cache: dict = {}
    for frac in fractions:
        for r, (lab, pool, test) in enumerate(splits(y, task, frac, repeats, seed)):
            scores = {}
            if r not in per_repeat_cache:
                # features fitted on the training part of the repeat (labelled
                # + pool; the same for every fraction, never the test part):
                # MiniRocket kernels, the in-domain and continued encoders
                train_all = np.concatenate([lab, pool])
                cache = {}
                if {"minirocket", "fused"} & set(methods):
                    cache["minirocket"] = minirocket_features(X, train_all, seed + r)
                base = encoders.get(SHIP_NAME)
                if base is not None and "indomain" in methods:
                    enc, secs = indomain(base, X[train_all], opts.indomain_passes, r)
                    cache["indomain"] = (enc.transform(X), secs)
                    enc, secs = indomain(
                        base,
                        X[train_all],
                        opts.indomain_passes,
                        r,
                        start_from=SHIP_NAME,
                    )
                    cache["continued"] = (enc.transform(X), secs)
                    cache["random"] = random_init(base, X[train_all], r).transform(X)
                per_repeat_cache[r] = cache
            cache = per_repeat_cache[r]
            yl, yt = y[lab], y[test]
            nmin = min_count(yl) if task == "classification" else len(yl)
            for label, F in frozen.items():
                scores[f"{label} + linear"] = score(
                    linear_head(task, nmin), F[lab], yl, F[test], yt, task
                )
                if "fused" in methods:
                    Fu = np.hstack([F, cache["minirocket"]])
                    scores[f"{label} + MiniRocket"] = score(
                        ridge_head(task), Fu[lab], yl, Fu[test], yt, task
                    )
            if "minirocket" in methods:
                M = cache["minirocket"]
                scores["MiniRocket"] = score(
                    ridge_head(task), M[lab], yl, M[test], yt, task
                )
            if "pls" in methods:
                scores["PLS" if task == "regression" else "PLS-DA"] = score(
                    pls(task, len(lab), nmin), X[lab], yl, X[test], yt, task
                )
            if "svm" in methods:
                scores["SVM"] = score(svm(task, nmin), X[lab], yl, X[test], yt, task)
            if "elm" in methods:
                scores["ELM"] = score(elm(task, r), X[lab], yl, X[test], yt, task)
            if "indomain" in cache:
                for kind in ("indomain", "continued"):
                    F = cache[kind][0]
                    scores[f"{kind} + linear"] = score(
                        linear_head(task, nmin), F[lab], yl, F[test], yt, task
                    )
                F = cache["random"]
                scores["random init + linear"] = score(
                    linear_head(task, nmin), F[lab], yl, F[test], yt, task
                )
            for method, value in scores.items():
                rows.append(
                    {
                        "set": name,
                        "task": task,
                        "target": target,
                        "fraction": frac,
                        "repeat": r,
                        "n_labels": int(len(lab)),
                        "method": method,
                        "score": float(value),
                    }
                )
    pretrain_seconds = {
        kind: float(np.median([c[kind][1] for c in per_repeat_cache.values()]))
        for kind in ("indomain", "continued")
        if per_repeat_cache and kind in next(iter(per_repeat_cache.values()))
    }
    # what the costs table reports: the set's shape, embedding rates, and the
    # median in-domain / continued pretraining times
    return rows, {**pretrain_seconds, "shape": X.shape, "rates": rates}


def summarise(rows, fractions, reference_label):
    """Per set and fraction: mean ± std of each method; margins to references."""
    sets = list(dict.fromkeys(r["set"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    out = []
    for s in sets:
        for f in fractions:
            sel = [r for r in rows if r["set"] == s and r["fraction"] == f]
            if not sel:
                continue
            row = {
                "set": s,
                "labels": f"{int(f * 100)} % (n={sel[0]['n_labels']})",
            }
            for m in methods:
                v = [r["score"] for r in sel if r["method"] == m]
                if v:
                    row[m] = f"{np.mean(v):.3f} ± {np.std(v):.3f}"
                    row[f"_{m}"] = float(np.mean(v))
                    row[f"__{m}"] = np.asarray(v)  # per repeat, paired
            out.append(row)
    return out, methods


def same_draws(rows):
    """'set at 5 and 10 %' where the minimum labels made fractions coincide."""
    out = []
    for name in dict.fromkeys(r["set"] for r in rows):
        by_n: dict = {}
        for r in rows:
            if r["set"] == name:
                by_n.setdefault(r["n_labels"], set()).add(r["fraction"])
        for fracs in by_n.values():
            if len(fracs) > 1:
                pct = " and ".join(f"{int(f * 100)}" for f in sorted(fracs))
                out.append(f"{name} at {pct} %")
    return out


def paired(a, b):
    """Mean paired difference of per-repeat scores and its standard error."""
    d = np.asarray(a) - np.asarray(b)
    se = d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else np.inf
    return float(d.mean()), float(se)


def prior_effect(summary, fractions):
    """Does pretraining on the prior pay? Shipped vs the controls, per task."""
    lines = []
    pairs = (
        (f"{SHIP_NAME} + linear", "random init + linear"),
        (f"{SHIP_NAME} + linear", "indomain + linear"),
        ("continued + linear", f"{SHIP_NAME} + linear"),
    )
    for task_sets, what in (
        (CLASSIFICATION, "classification"),
        (REGRESSION, "regression"),
    ):
        for a, b in pairs:
            wins = clear = total = 0
            margins = []
            for row in summary:
                if row["set"] not in task_sets or f"__{a}" not in row:
                    continue
                if f"__{b}" not in row:
                    continue
                m, se = paired(row[f"__{a}"], row[f"__{b}"])
                total += 1
                wins += m > 0
                clear += m > 2 * se
                margins.append(m)
            if total:
                lines.append(
                    f"- {what}: `{a}` ahead of `{b}` in {wins} of {total} (set, "
                    f"label fraction) cells, by more than two paired standard "
                    f"errors in {clear}; median margin {np.median(margins):+.3f}."
                )
    return lines


def verdict(summary, fractions_cls, fractions_reg, label):
    """Count the sets where `label` (alone or fused) leads the reference."""
    lines = []
    for task_sets, ref, fracs, what in (
        (CLASSIFICATION, "MiniRocket", fractions_cls, "classification"),
        (REGRESSION, "PLS", fractions_reg, "regression"),
    ):
        for f in fracs:
            tag = f"{int(f * 100)} %"
            wins, clear, total, margins = 0, 0, 0, []
            for row in summary:
                if row["set"] not in task_sets or not row["labels"].startswith(tag):
                    continue
                if f"_{ref}" not in row:
                    continue
                best = max(
                    row.get(f"_{label} + linear", -np.inf),
                    row.get(f"_{label} + MiniRocket", -np.inf),
                )
                chosen = max(
                    (f"{label} + linear", f"{label} + MiniRocket"),
                    key=lambda k: row.get(f"_{k}", -np.inf),
                )
                m, se = paired(row[f"__{chosen}"], row[f"__{ref}"])
                clear += m > 2 * se
                total += 1
                margins.append(best - row[f"_{ref}"])
                wins += best > row[f"_{ref}"]
            if total:
                lines.append(
                    f"- {what}, {tag} labels: {label} (best of linear / fused) ahead "
                    f"of {ref} on {wins} of {total} sets (by more than two paired "
                    f"standard errors on {clear}); median margin "
                    f"{np.median(margins):+.3f} (min {min(margins):+.3f}, max "
                    f"{max(margins):+.3f})."
                )
    return lines


def render(summary, methods):
    cols = ["set", "labels", *methods]
    return table(summary, cols)


def available(sets, data_home):
    have = set(list_datasets(data_home))
    return [s for s in sets if s in have]


# ------------------------------------------------------------- subcommands
def cmd_objectives(args, run):
    from sklspec.pretrained import OBJECTIVES, pretrain

    encoders, costs = {}, []
    for obj in args.objective_list or OBJECTIVES:
        run.log(f"pretraining {obj} for {args.passes:,} passes")
        enc = pretrain(
            obj,
            n_passes=args.passes,
            random_state=args.seed,
            checkpoint=f"{args.work}/objective-{obj}-checkpoint",
            resume=True,
            verbose=0,
        )
        enc.save_pretrained(f"{args.work}/objective-{obj}")
        s = enc.training_summary_
        costs.append(
            {
                "objective": obj,
                "passes": s["passes"],
                "steps": s["steps"],
                "train s": round(s["train_seconds"], 1),
                "passes/s": round(s["passes"] / max(s["train_seconds"], 1e-9)),
                "final loss": round(s["final_loss"], 4),
            }
        )
        for pooling in READOUTS[obj]:
            encoders[f"{obj}/{pooling}"] = clone(enc).set_params(pooling=pooling)
            encoders[f"{obj}/{pooling}"].__dict__.update(
                {k: v for k, v in enc.__dict__.items() if k.endswith("_")}
            )
        run.log(f"{obj}: {costs[-1]}")
    fractions = [0.1, 0.2]
    rows = []
    sets = available(CLASSIFICATION + REGRESSION, args.data_home)
    if args.smoke:
        sets = sets[:2]
    for name in sets:
        r, _ = run_set(
            name,
            args.data_home,
            encoders,
            {"minirocket", "pls"},
            fractions,
            args.repeats,
            args.seed,
            run,
            args,
        )
        rows += r
    summary, methods = summarise(rows, fractions, None)
    # rank the objectives: mean over sets and fractions of score minus the
    # best reference (MiniRocket for classes, PLS for values)
    # rank the (objective, read-out) pairs per set and fraction; also the
    # margin to the reference (R² can explode on a few sets, so medians)
    ranking = []
    ranks = {label: [] for label in encoders}
    margins = {label: [] for label in encoders}
    for row in summary:
        ref = (
            row.get("_MiniRocket") if row["set"] in CLASSIFICATION else row.get("_PLS")
        )
        vals = {lab: row[f"_{lab} + linear"] for lab in encoders}
        order = sorted(vals, key=lambda lab: -vals[lab])
        for lab in encoders:
            ranks[lab].append(order.index(lab) + 1)
            if ref is not None:
                margins[lab].append(vals[lab] - ref)
    for lab in encoders:
        m = np.asarray(margins[lab])
        ranking.append(
            {
                "objective / read-out": lab,
                "mean rank": round(float(np.mean(ranks[lab])), 2),
                "median margin to reference": round(float(np.median(m)), 4),
                "sets x fractions ahead of reference": (
                    f"{int((m > 0).sum())} of {m.size}"
                ),
            }
        )
    ranking.sort(key=lambda r: r["mean rank"])
    body = [
        "Same budget for every objective: "
        f"{args.passes:,} spectrum passes on the prior (seed {args.seed}); frozen "
        "encoder + cross-validated linear head; 10 and 20 % labels, "
        f"{args.repeats} repeats; reference MiniRocket (classes) / PLS (values).",
        "",
        "## Ranking (kept: the first; mean rank over sets and label fractions)",
        "",
        table(ranking, list(ranking[0])),
        "## Cost of pretraining",
        "",
        table(costs, list(costs[0])),
        "## Scores",
        "",
        render(summary, methods),
    ]
    run.write(
        "Pretraining objectives compared at the same budget",
        "\n".join(body),
        {"rows": rows, "ranking": ranking, "costs": costs},
        args.output,
    )


def cmd_ship(args, run):
    from sklspec.pretrained import pretrain, write_model_card
    from sklspec.pretrained._registry import WEIGHTS_DIR

    enc = pretrain(
        args.objective,
        n_passes=args.passes,
        pooling=args.pooling,
        real_spectra=args.real or None,
        real_fraction=args.real_fraction,
        random_state=args.seed,
        checkpoint=f"{args.work}/ship-{args.objective}-checkpoint",
        checkpoint_every=100,
        resume=True,
        device=args.device,
        verbose=1,
    )
    path = WEIGHTS_DIR / SHIP_NAME
    enc.save_pretrained(path)
    write_model_card(path, name=SHIP_NAME)
    run.log(f"saved {path} ({enc.training_summary_})")


def cmd_evaluate(args, run):
    from sklspec.pretrained import load_pretrained, pretrained_path, write_model_card

    base = load_pretrained(SHIP_NAME)
    gflops = matmul_gflops()
    encoders = {SHIP_NAME: base}
    methods = {"minirocket", "pls", "svm", "elm", "fused", "indomain"}
    fractions = [0.05, 0.1, 0.2, 0.5]
    sets = available(CLASSIFICATION + REGRESSION, args.data_home)
    if args.smoke:
        sets, fractions = sets[:1] + [s for s in sets if s in REGRESSION][:1], [0.1]
    rows, costs = [], []
    for name in sets:
        t0 = time.perf_counter()
        r, secs = run_set(
            name,
            args.data_home,
            encoders,
            methods,
            fractions,
            args.repeats,
            args.seed,
            run,
            args,
        )
        rows += r
        n, p = secs["shape"]
        costs.append(
            {
                "set": name,
                "n x p": f"{n} x {p}",
                "embed spectra/s": round(secs["rates"][SHIP_NAME]),
                "in-domain pretraining s": round(secs.get("indomain", float("nan")), 1),
                "continued pretraining s": round(
                    secs.get("continued", float("nan")), 1
                ),
                "set wall s": round(time.perf_counter() - t0, 1),
            }
        )
        run.log(f"{name} done in {costs[-1]['set wall s']} s")
    summary, methods_seen = summarise(rows, fractions, SHIP_NAME)
    lines = verdict(summary, [0.05, 0.1], [0.1, 0.2], SHIP_NAME)
    effect = prior_effect(summary, fractions)
    t = base.training_summary_
    body = [
        f"Shipped encoder `{SHIP_NAME}`: objective {t.get('objective')}, "
        f"{t.get('passes', 0):,} prior passes in {t.get('train_seconds', 0):.0f} s "
        f"on {t.get('device')}; real spectra mixed in: "
        f"{(t.get('real_spectra') or {}).get('sources', 'none')}; no benchmark set "
        "seen in pretraining. In-domain and "
        f"continued rows: {args.indomain_passes:,} pretext passes on the training "
        "part of each split (labelled + unlabelled, never the test part). "
        f"{args.repeats} repeats; accuracy (classes) or R² (values) on the test part; "
        f"fp32 matmul {gflops:.0f} GFLOP/s.",
        "",
        "## Verdict against the bar",
        "",
        "Bar: ahead of MiniRocket at 5 and 10 % labels on most classification sets, "
        "and ahead of PLS at 10-20 % labels on most regression sets.",
        "",
        *lines,
        "",
        "Small sets give the same labelled set at several fractions (at least "
        "two labels per class, eight values): "
        + (", ".join(same_draws(rows)) or "none")
        + ".",
        "",
        "## Effect of the prior",
        "",
        "The same architecture and read-out under the same head, over every set "
        "and label fraction: pretrained on the prior (shipped), randomly "
        "initialised, pretrained in-domain only, and pretrained further "
        "in-domain from the shipped weights. Paired over repeats (the same "
        "splits).",
        "",
        *effect,
        "",
        "## Scores",
        "",
        render(summary, methods_seen),
        "## Costs",
        "",
        table(costs, list(costs[0])) if costs else "",
    ]
    md = "\n".join(body)
    run.write(
        f"The shipped encoder ({SHIP_NAME}) against the baselines",
        md,
        {
            "rows": rows,
            "verdict": lines,
            "prior_effect": effect,
            "costs": costs,
            "machine": machine(),
        },
        args.output,
    )
    if not args.smoke:
        card_results = "\n".join(
            [
                f"From `{run.command}` ({run.meta()['date']}); full tables in "
                "`benchmarks/results/pretrained.md`.",
                "",
                *lines,
                "",
                "Effect of the prior (same architecture, same head):",
                "",
                *effect,
            ]
        )
        write_model_card(
            pretrained_path(SHIP_NAME), name=SHIP_NAME, results=card_results
        )


def main(argv=None):
    p = parser(__doc__.splitlines()[0])
    p.add_argument("command", choices=["objectives", "ship", "evaluate"])
    p.add_argument("--passes", type=int, default=300_000)
    p.add_argument("--objective", default="mae")
    p.add_argument("--pooling", default="flatten", help="read-out of the shipped one")
    p.add_argument("--objective-list", nargs="*", default=None)
    p.add_argument(
        "--real",
        nargs="*",
        default=["earthlib", "chemotools"],
        help="real unlabelled sources mixed into the shipped run",
    )
    p.add_argument("--real-fraction", type=float, default=0.1)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--indomain-passes", type=int, default=10_000)
    p.add_argument("--device", default="cpu")
    p.add_argument("--work", default="/tmp/sklspec-pretrain")
    args = p.parse_args(argv)
    run = Run(
        {"objectives": "pretrained_objectives", "ship": "pretrained_ship"}.get(
            args.command, "pretrained"
        ),
        argv,
    )
    run.command = run.command.replace(
        f"benchmarks/{run.name}.py", "benchmarks/pretrained.py"
    )
    if args.smoke:
        args.passes = min(args.passes, 5000)
        args.repeats = min(args.repeats, 2)
        args.indomain_passes = min(args.indomain_passes, 2000)
    {"objectives": cmd_objectives, "ship": cmd_ship, "evaluate": cmd_evaluate}[
        args.command
    ](args, run)


if __name__ == "__main__":
    main()
