"""Benchmark of MAEEmbedder (masked autoencoders for spectra: MAX, SMAE).

Regenerates ``benchmarks/results/mae.md`` and ``.json``::

    python benchmarks/mae.py           # ~60 min on 2 CPU cores
    python benchmarks/mae.py --smoke   # < 2 min: checks the script runs

    # or the parts in two processes, one thread each (what the results used)
    OMP_NUM_THREADS=1 python benchmarks/mae.py --parts a &
    OMP_NUM_THREADS=1 python benchmarks/mae.py --parts bcd
    python benchmarks/mae.py --parts ""   # only renders once all parts exist

Parts (all rows of one table share the same splits and seeds):

(a) Denoising. Synthetic Raman-like spectra (3-8 Lorentzian peaks on a smooth
    baseline, known clean signal) with white noise at several levels. The MAE
    is pretrained on noisy training spectra only; ``reconstruct`` denoises
    held-out noisy spectra. Compared with Savitzky-Golay
    (``sklspec.preprocessing.SavitzkyGolay``) and a Whittaker-Eilers smoother
    (second differences, scipy.sparse), whose window / lambda are tuned with
    the clean training signals (an advantage the MAE does not get).
    SNR = 10 log10(||clean||^2 / ||estimate - clean||^2) in dB per spectrum;
    the table gives the median gain over the noisy input.
(b) Label efficiency (regression). Official splits: nirsoil train/test (rows
    with a missing target dropped), shootout2002_tablets assay
    (calibrate -> test), limesoda (official fold 1 as test, folds 2-10 as
    training). The MAE is pretrained on all training spectra (never the test
    spectra); a fraction of the training labels is used by: the fine-tuned
    MAE encoder, the same network from scratch, a ridge probe on the frozen
    embedding, PLSR and Cubist (``make_baselines("regression")``, 3-fold
    inner grid search). RMSE and R2 on the test set, mean over repeats.
(c) Clustering. k-means (k = number of classes) on standardised MAE
    embeddings vs 10 PCA scores vs the raw spectra; clustering accuracy
    (Hungarian matching) and ARI. Pretraining sees every spectrum without
    labels (clustering is transductive by nature).
(d) raman_porkfat: 5-fold GroupKFold by pig, the MAE pretrained on the
    training folds; ridge probe and fine-tuned MAE vs PLSR; RMSE and R2.

MAE inputs are z-scored per spectrum inside the network
(``normalize="spectrum"``, MAX's InstanceNorm); baselines see raw spectra.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import sklearn
import torch
from scipy import sparse
from scipy.sparse.linalg import spsolve
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import RidgeCV
from sklearn.metrics import adjusted_rand_score, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import sklspec
from sklspec.baselines import make_baselines
from sklspec.datasets import load_spectra
from sklspec.embedders._mae import MAEEmbedder
from sklspec.evaluation import clustering_accuracy
from sklspec.finetune import FineTunedRegressor
from sklspec.preprocessing import SavitzkyGolay

HERE = Path(__file__).resolve().parent

MAE_ARCH = dict(
    patch_size=16,
    embed_dim=64,
    depth=4,
    num_heads=4,
    decoder_dim=64,
    decoder_depth=1,
    decoder_heads=4,
    mask_ratio=0.5,
    normalize="spectrum",
)
FULL = dict(
    denoise=dict(
        n_points=512,
        n_train=2000,
        n_test=200,
        cases=[
            ("compound mixtures", 0.02),
            ("compound mixtures", 0.05),
            ("compound mixtures", 0.1),
            ("random peaks", 0.05),
        ],
        embedder=dict(max_epochs=160, lr=2e-3, batch_size=64, warmup_epochs=5),
        patch_size=16,
        n_repeats=64,
    ),
    regression=dict(
        datasets=[
            ("shootout2002_tablets", "assay"),
            ("nirsoil", "CEC"),
            ("limesoda_sp231", "SOM"),
        ],
        fractions=[0.1, 0.33, 1.0],
        repeats=2,
        embedder=dict(max_epochs=40, lr=1e-3, batch_size=64, warmup_epochs=4),
        finetune=dict(max_epochs=60, lr=1e-3, batch_size=32, head_hidden=(64,)),
        baselines=["PLSR", "Cubist", "MiniRocket"],
    ),
    clustering=dict(
        datasets=["tablets_nir", "ucr_coffee", "ucr_beef", "ucr_oliveoil", "ucr_ham"],
        embedder=dict(max_epochs=40, lr=1e-3, batch_size=64, warmup_epochs=4),
        seeds=3,
    ),
    porkfat=dict(
        target="IV",
        folds=5,
        patch_size=64,
        embedder=dict(max_epochs=40, lr=1e-3, batch_size=32, warmup_epochs=4),
        finetune=dict(max_epochs=60, lr=1e-3, batch_size=16, head_hidden=(64,)),
    ),
)
SMOKE = dict(
    denoise=dict(
        n_points=256,
        n_train=64,
        n_test=16,
        cases=[("compound mixtures", 0.05), ("random peaks", 0.05)],
        embedder=dict(max_epochs=3, lr=1e-3, batch_size=32, warmup_epochs=1),
        patch_size=8,
        n_repeats=4,
    ),
    regression=dict(
        datasets=[("shootout2002_tablets", "assay")],
        fractions=[0.25, 1.0],
        repeats=1,
        embedder=dict(max_epochs=1, lr=1e-3, batch_size=64, warmup_epochs=0),
        finetune=dict(max_epochs=2, lr=1e-3, batch_size=32, head_hidden=(16,)),
        baselines=["PLSR"],
    ),
    clustering=dict(
        datasets=["ucr_coffee"],
        embedder=dict(max_epochs=2, lr=1e-3, batch_size=64, warmup_epochs=0),
        seeds=1,
    ),
    porkfat=dict(
        target="IV",
        folds=2,
        patch_size=128,
        embedder=dict(max_epochs=1, lr=1e-3, batch_size=32, warmup_epochs=0),
        finetune=dict(max_epochs=2, lr=1e-3, batch_size=16, head_hidden=(16,)),
    ),
)
SMOKE_ARCH = dict(embed_dim=16, depth=1, num_heads=2, decoder_dim=16, decoder_heads=2)

TIMING: dict[str, dict] = {}


def _mae(cfg_part, seed, arch, **kw):
    return MAEEmbedder(**{**arch, **cfg_part["embedder"], **kw}, random_state=seed)


def _fit_timed(name, emb, X):
    t0 = time.perf_counter()
    emb.fit(X)
    pre = time.perf_counter() - t0
    t0 = time.perf_counter()
    emb.transform(X)
    thr = len(X) / max(time.perf_counter() - t0, 1e-9)
    TIMING.setdefault(
        name,
        {
            "pretrain_spectra": int(len(X)),
            "n_points": int(X.shape[1]),
            "patch_size": int(emb.architecture_["patch_size"]),
            "seconds_per_epoch": pre / max(1, emb.max_epochs),
            "embed_spectra_per_second": thr,
        },
    )
    return emb


# --------------------------------------------------------- (a) denoising
def _smooth_baseline(n, n_points, rng):
    """Offset + slope + one broad Gaussian hump per spectrum, shape (n, n_points)."""
    t = np.arange(n_points) / n_points
    return (
        rng.uniform(0, 0.3, (n, 1))
        + rng.uniform(-0.2, 0.2, (n, 1)) * t
        + rng.uniform(0, 0.3, (n, 1))
        * np.exp(-((t - rng.uniform(size=(n, 1))) ** 2) / 0.2)
    )


def raman_mixtures(n, n_points, rng, n_compounds=12, library_seed=123):
    """Clean Raman-like spectra of mixtures of a fixed library of compounds.

    As in real Raman data sets (bacteria isolates, cells, fats), the peak
    positions belong to the compounds and recur from spectrum to spectrum:
    each spectrum mixes ``n_compounds`` pure spectra (3-8 Lorentzian peaks
    each, drawn once from ``library_seed``) with sparse Dirichlet weights,
    shifts them by a small random axis offset (sd 0.5 point) and adds a smooth
    baseline. Vectorised over spectra.
    """
    lib = np.random.default_rng(library_seed)
    x = np.arange(n_points, dtype=float)
    conc = rng.dirichlet(np.full(n_compounds, 0.3), size=n)
    conc *= rng.uniform(1.0, 3.0, (n, 1))
    shift = rng.normal(0.0, 0.5, (n, 1, 1))
    out = _smooth_baseline(n, n_points, rng)
    for j in range(n_compounds):  # a loop over compounds, not spectra
        k = lib.integers(3, 9)
        centers = lib.uniform(0.05, 0.95, k) * n_points
        hwhm = lib.uniform(1.5, 6.0, k)
        amp = lib.uniform(0.2, 1.0, k)
        peaks = amp / (1 + ((x[None, :, None] - centers - shift) / hwhm) ** 2)
        out += conc[:, j : j + 1] * peaks.sum(axis=-1)
    return out


def raman_like(n, n_points, rng):
    """Clean Raman-like spectra with peaks at random places in every spectrum.

    No two spectra share a peak position: the hard case for a masked
    autoencoder, which must predict a hidden patch from its neighbours.
    """
    x = np.arange(n_points, dtype=float)
    k = rng.integers(3, 9, (n, 1))
    centers = rng.uniform(0.05, 0.95, (n, 8)) * n_points
    hwhm = rng.uniform(1.5, 6.0, (n, 8))
    amp = rng.uniform(0.2, 1.0, (n, 8)) * (np.arange(8) < k)  # k peaks each
    peaks = (
        amp[:, None] / (1 + ((x[:, None] - centers[:, None]) / hwhm[:, None]) ** 2)
    ).sum(-1)
    return peaks + _smooth_baseline(n, n_points, rng)


def whittaker(Y, lam):
    """Whittaker-Eilers smoother, second-order differences, unit weights."""
    n = Y.shape[1]
    D = sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
    A = (sparse.eye(n) + lam * (D.T @ D)).tocsc()
    return np.asarray(spsolve(A, Y.T)).T.reshape(Y.shape)


def snr_db(clean, est):
    num = np.sum(clean**2, axis=1)
    den = np.maximum(np.sum((est - clean) ** 2, axis=1), 1e-30)
    return 10 * np.log10(num / den)


GENERATORS = {"compound mixtures": raman_mixtures, "random peaks": raman_like}


def part_a(cfg, arch, seed, log):
    c = cfg["denoise"]
    rows = {}
    for gen_name, sigma in c["cases"]:
        rng = np.random.default_rng(seed)
        clean_tr = GENERATORS[gen_name](c["n_train"], c["n_points"], rng)
        clean_te = GENERATORS[gen_name](c["n_test"], c["n_points"], rng)
        noisy_tr = clean_tr + sigma * rng.normal(size=clean_tr.shape)
        noisy_te = clean_te + sigma * rng.normal(size=clean_te.shape)
        base = np.median(snr_db(clean_te, noisy_te))
        res = {"noisy input SNR (dB)": float(base)}
        # Savitzky-Golay: window tuned on the training spectra (clean known)
        best = None
        for w in (5, 7, 9, 11, 15, 21):
            for p in (2, 3):
                sg = SavitzkyGolay(window_length=w, polyorder=p)
                s = np.median(snr_db(clean_tr, sg.fit_transform(noisy_tr)))
                if best is None or s > best[0]:
                    best = (s, w, p)
        sg = SavitzkyGolay(window_length=best[1], polyorder=best[2])
        res["Savitzky-Golay"] = float(
            np.median(snr_db(clean_te, sg.fit_transform(noisy_te))) - base
        )
        res["Savitzky-Golay setting"] = f"window {best[1]}, order {best[2]}"
        best = None
        for lam in (0.3, 1, 3, 10, 30, 100):
            s = np.median(snr_db(clean_tr, whittaker(noisy_tr, lam)))
            if best is None or s > best[0]:
                best = (s, lam)
        res["Whittaker"] = float(
            np.median(snr_db(clean_te, whittaker(noisy_te, best[1]))) - base
        )
        res["Whittaker setting"] = f"lambda {best[1]}"
        emb = _fit_timed(
            f"denoise {gen_name} sigma={sigma}",
            _mae(c, seed, {**arch, "patch_size": c["patch_size"]}),
            noisy_tr,
        )
        rec = emb.reconstruct(noisy_te, n_repeats=c["n_repeats"])
        res["MAE reconstruct"] = float(np.median(snr_db(clean_te, rec)) - base)
        res["generator"], res["sigma"] = gen_name, float(sigma)
        rows[f"{gen_name}, sigma={sigma}"] = res
        log(f"(a) {gen_name} sigma={sigma}: {res}")
    return rows


# ------------------------------------------------- (b) label efficiency
def _load_reg(name, target, data_home):
    b = load_spectra(name, data_home=data_home)
    X = np.asarray(b.X, dtype=np.float64)
    y = np.asarray(b.y, dtype=float)
    if y.ndim == 2:
        y = y[:, list(b.target_names).index(target)]
    ok = np.isfinite(y)
    if name.startswith("limesoda"):
        fold = np.asarray(b.fold)
        train, test = fold != 1, fold == 1
    else:
        split = np.asarray(b.split).astype(str)
        train = np.isin(split, ["train", "calibrate"])
        test = split == "test"
    tr, te = np.flatnonzero(train & ok), np.flatnonzero(test & ok)
    return X, y, tr, te


def _every_kth(X, step=1):
    return np.asarray(X)[:, ::step]


def _baselines(names, seed, n_points=None, cubist_max_points=250):
    """The registry's baselines, each tuned by its grid in a 3-fold search.

    Cubist sees every k-th point (at most ``cubist_max_points``): on all 650-
    700 points its 6-setting grid takes minutes per fit on 2 cores.
    """
    out = {}
    for name, (pipe, grid) in make_baselines(
        "regression", random_state=seed, include=names
    ).items():
        if name == "Cubist" and n_points and n_points > cubist_max_points:
            step = int(np.ceil(n_points / cubist_max_points))
            sub = FunctionTransformer(_every_kth, kw_args={"step": step})
            pipe = Pipeline([("every_kth", sub), ("cubist", pipe)])
            grid = {f"cubist__{k}": v for k, v in grid.items()}
        out[name] = GridSearchCV(pipe, grid, cv=3, n_jobs=1) if grid else pipe
    return out


def _probe(emb):
    return Pipeline(
        [
            ("embed", FrozenEstimator(emb)),
            ("scale", StandardScaler()),
            ("ridge", RidgeCV(alphas=np.logspace(-3, 3, 13))),
        ]
    )


def _reg_scores(est, X_tr, y_tr, X_te, y_te):
    t0 = time.perf_counter()
    est.fit(X_tr, y_tr)
    pred = np.ravel(est.predict(X_te))
    return {
        "rmse": float(np.sqrt(mean_squared_error(y_te, pred))),
        "r2": float(r2_score(y_te, pred)),
        "fit_seconds": time.perf_counter() - t0,
    }


def part_b(cfg, arch, seed, data_home, log):
    c = cfg["regression"]
    out = {}
    for name, target in c["datasets"]:
        X, y, tr, te = _load_reg(name, target, data_home)
        key = f"{name} ({target})"
        res: dict[str, dict[str, list]] = {}
        for rep in range(c["repeats"]):
            rs = seed + rep
            emb = _fit_timed(name, _mae(c, rs, arch), X[tr])
            scratch = _mae(c, rs, arch, max_epochs=0).fit(X[tr])  # random weights
            rng = np.random.default_rng(rs)
            for frac in c["fractions"]:
                k = max(5, int(round(frac * len(tr))))
                lab = np.sort(rng.choice(tr, size=min(k, len(tr)), replace=False))
                models = {
                    "MAE fine-tuned": FineTunedRegressor(
                        FrozenEstimator(emb), **c["finetune"], random_state=rs
                    ),
                    "same network from scratch": FineTunedRegressor(
                        _mae(c, rs, arch, max_epochs=0),
                        **c["finetune"],
                        random_state=rs,
                    ),
                    "MAE ridge probe": _probe(emb),
                    "random-init ridge probe": _probe(scratch),
                    **_baselines(c["baselines"], rs, X.shape[1]),
                }
                for mname, est in models.items():
                    try:
                        r = _reg_scores(clone(est), X[lab], y[lab], X[te], y[te])
                    except (ValueError, ImportError) as exc:
                        log(f"  {mname} on {key} at {frac}: {exc}")
                        r = {"rmse": float("nan"), "r2": float("nan")}
                    res.setdefault(mname, {}).setdefault(str(frac), []).append(r)
                log(f"(b) {key} repeat {rep + 1} fraction {frac} ({len(lab)}) done")
        out[key] = {"n_train": int(len(tr)), "n_test": int(len(te)), "models": res}
    return out


# ---------------------------------------------------------- (c) clustering
def part_c(cfg, arch, seed, data_home, log):
    c = cfg["clustering"]
    out = {}
    for name in c["datasets"]:
        b = load_spectra(name, data_home=data_home)
        X = np.asarray(b.X, dtype=np.float64)
        y = np.asarray(b.y).astype(str)
        k = len(np.unique(y))
        res: dict[str, dict[str, list]] = {}
        for s in range(c["seeds"]):
            rs = seed + s
            emb = _fit_timed(name, _mae(c, rs, arch), X)
            feats = {
                "raw spectra": StandardScaler().fit_transform(X),
                "PCA (10 scores)": PCA(
                    n_components=min(10, X.shape[0] - 1), random_state=rs
                ).fit_transform(StandardScaler().fit_transform(X)),
                "MAE embedding (CLS)": StandardScaler().fit_transform(emb.transform(X)),
                "MAE embedding (mean)": StandardScaler().fit_transform(
                    copy.deepcopy(emb).set_params(pooling="mean").transform(X)
                ),
            }
            for fname, F in feats.items():
                labels = KMeans(k, n_init=10, random_state=rs).fit_predict(F)
                r = res.setdefault(fname, {"acc": [], "ari": []})
                r["acc"].append(float(clustering_accuracy(y, labels)))
                r["ari"].append(float(adjusted_rand_score(y, labels)))
        out[name] = {"n": int(len(X)), "k": int(k), "features": res}
        log(f"(c) {name} done")
    return out


# ------------------------------------------------------------ (d) porkfat
def part_d(cfg, arch, seed, data_home, log):
    c = cfg["porkfat"]
    b = load_spectra("raman_porkfat", data_home=data_home)
    X = np.asarray(b.X, dtype=np.float64)
    y = np.asarray(b.y, dtype=float)[:, list(b.target_names).index(c["target"])]
    groups = np.asarray(b.groups)
    ok = np.isfinite(y)
    X, y, groups = X[ok], y[ok], groups[ok]
    res: dict[str, list] = {}
    arch = {**arch, "patch_size": c["patch_size"]}
    for k, (tr, te) in enumerate(GroupKFold(c["folds"]).split(X, y, groups)):
        emb = _fit_timed("raman_porkfat", _mae(c, seed, arch), X[tr])
        models = {
            "MAE ridge probe": _probe(emb),
            "MAE fine-tuned": FineTunedRegressor(
                FrozenEstimator(emb), **c["finetune"], random_state=seed
            ),
            **_baselines(["PLSR"], seed, X.shape[1]),
        }
        for mname, est in models.items():
            res.setdefault(mname, []).append(
                _reg_scores(clone(est), X[tr], y[tr], X[te], y[te])
            )
        log(f"(d) fold {k + 1}/{c['folds']} done")
    return {
        "target": c["target"],
        "n": int(len(X)),
        "n_pigs": int(len(np.unique(groups))),
        "models": res,
    }


# -------------------------------------------------------------- output
def _mean(v):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else float("nan")


def _ms(v, digits=3):
    v = np.asarray(v, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return "n/a"
    return (
        f"{v.mean():.{digits}g} ± {v.std():.2g}" if len(v) > 1 else f"{v[0]:.{digits}g}"
    )


def render(meta, cfg, a, bres, cres, dres):
    L = [
        "# MAEEmbedder benchmark (masked autoencoders for spectra: MAX, SMAE)",
        "",
        "Generated by the script, part by part (do not edit by hand: rerun it):",
        "",
        *(
            f"- part ({p}): `{m['command']}` on {m['date']} ({m['machine']}), "
            f"wall time {m['wall_seconds'] / 60:.1f} min"
            for p, m in meta["parts"].items()
        ),
        "",
        "## Settings",
        "",
        f"- MAE architecture: {meta['arch']}; AdamW (0.9, 0.95), weight decay "
        "0.05, warm-up + cosine. The papers' networks (`preset='max'`: ViT-B, "
        "110 M parameters; `preset='smae'`) are far beyond a 2-core CPU budget "
        "and are not trained here.",
        f"- Pretraining: (a) {cfg['denoise']['embedder']}, (b) "
        f"{cfg['regression']['embedder']}, (c) {cfg['clustering']['embedder']}, "
        f"(d) {cfg['porkfat']['embedder']}.",
        f"- Fine-tuning (`FineTunedRegressor`, CLS read-out): "
        f"{cfg['regression']['finetune']}.",
        "- Pretraining never sees test spectra except in (c), which is "
        "transductive (clustering, no labels).",
        "",
        "## (a) Denoising: SNR gain (dB) on held-out synthetic Raman-like spectra",
        "",
        "SNR = 10 log10(‖clean‖² / ‖estimate − clean‖²) per spectrum; gain = "
        "median SNR of the estimate − median SNR of the noisy input. "
        "Savitzky-Golay and Whittaker are tuned on the clean training "
        f"signals; the MAE never sees a clean signal "
        f"(patch {cfg['denoise']['patch_size']}, "
        f"{cfg['denoise']['n_repeats']} maskings, "
        f"{cfg['denoise']['n_train']} training spectra of "
        f"{cfg['denoise']['n_points']} points).",
        "",
        "Compound mixtures: every spectrum mixes a fixed library of 12 "
        "compounds (peak positions recur, as in real Raman sets); random "
        "peaks: peaks at new places in every spectrum (nothing to learn "
        'across spectra). The bar "≥ 2× SNR" is read as a power ratio, '
        "≥ +3.01 dB (an amplitude ratio of 2 would be +6.02 dB).",
        "",
        "| spectra | noise σ | input SNR | Savitzky-Golay | Whittaker | "
        "MAE reconstruct | MAE SNR ratio (power) | ≥ 2× |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in a.values():
        ratio = 10 ** (r["MAE reconstruct"] / 10)
        L.append(
            f"| {r['generator']} | {r['sigma']} | "
            f"{r['noisy input SNR (dB)']:.1f} | "
            f"{r['Savitzky-Golay']:+.2f} ({r['Savitzky-Golay setting']}) | "
            f"{r['Whittaker']:+.2f} ({r['Whittaker setting']}) | "
            f"{r['MAE reconstruct']:+.2f} | {ratio:.2f}× | "
            f"{'yes' if ratio >= 2 else 'no'} |"
        )
    fr = cfg["regression"]["fractions"]
    L += [
        "",
        "## (b) Label efficiency: test RMSE (R²), mean over "
        f"{cfg['regression']['repeats']} repeats",
        "",
        "Fractions are of the official training labels (at least 5).",
        "",
        "**The bar, computed** (mean test RMSE; ratio < 1: the first is better; "
        '"level" = ratio ≤ 1.05):',
        "",
        "| data set | fraction | fine-tuned: pretrained / scratch | "
        "probe: pretrained / random-init | best MAE pipeline | "
        "best baseline | MAE / baseline | level or better |",
        "|---|---|---|---|---|---|---|---|",
    ]
    mae_names = ("MAE fine-tuned", "MAE ridge probe")
    tally = {"rows": 0, "level": 0, "ft_low": 0, "probe_low": 0, "n_sets": 0}
    for key, block in bres.items():
        m = block["models"]
        for f in fr:
            rm = {
                n: _mean([r["rmse"] for r in per.get(str(f), [])])
                for n, per in m.items()
            }
            ps = rm["MAE fine-tuned"] / rm["same network from scratch"]
            pp = rm["MAE ridge probe"] / rm["random-init ridge probe"]
            best_mae = min(mae_names, key=lambda n: rm[n])
            base = [
                n
                for n in rm
                if n not in mae_names and "scratch" not in n and "random-init" not in n
            ]
            base = [n for n in base if np.isfinite(rm[n])]
            best_base = min(base, key=lambda n: rm[n])
            ratio = rm[best_mae] / rm[best_base]
            tally["rows"] += 1
            tally["level"] += ratio <= 1.05
            if f == min(fr):
                tally["n_sets"] += 1
                tally["ft_low"] += ps < 1
                tally["probe_low"] += pp < 1
            L.append(
                f"| {key} | {int(f * 100)} % | {ps:.3f} | {pp:.3f} | {best_mae} | "
                f"{best_base} | "
                f"{ratio:.3f} | {'yes' if ratio <= 1.05 else 'no'} |"
            )
    L += [
        "",
        f"In all: the best MAE pipeline is level with or better than the best "
        f"baseline in **{tally['level']} of {tally['rows']}** data set × "
        f"fraction cases; at the lowest fraction "
        f"({int(min(fr) * 100)} %), pretraining beats the same network from "
        f"scratch in **{tally['ft_low']} of {tally['n_sets']}** data sets when "
        f"fine-tuned and in **{tally['probe_low']} of {tally['n_sets']}** as a "
        "frozen ridge probe.",
        "",
    ]
    for key, block in bres.items():
        L += [
            f"### {key}: {block['n_train']} training / {block['n_test']} test spectra",
            "",
            "| model | " + " | ".join(f"{int(f * 100)} %" for f in fr) + " |",
            "|---|" + "---|" * len(fr),
        ]
        for m, per in block["models"].items():
            cells = []
            for f in fr:
                rows = per.get(str(f), [])
                rm = _mean([r["rmse"] for r in rows])
                r2 = _mean([r["r2"] for r in rows])
                cells.append(f"{rm:.3g} ({r2:.2f})")
            L.append(f"| {m} | " + " | ".join(cells) + " |")
        L.append("")
    L += [
        "## (c) Clustering (k-means, k = number of classes): accuracy / ARI",
        "",
        "| features | "
        + " | ".join(f"{n} (n={v['n']}, k={v['k']})" for n, v in cres.items())
        + " |",
        "|---|" + "---|" * len(cres),
    ]
    fnames = list(next(iter(cres.values()))["features"])
    for fname in fnames:
        cells = []
        for v in cres.values():
            r = v["features"][fname]
            cells.append(f"{_ms(r['acc'])} / {_ms(r['ari'])}")
        L.append(f"| {fname} | " + " | ".join(cells) + " |")
    L += [
        "",
        f"## (d) raman_porkfat, target {dres['target']}: GroupKFold by pig "
        f"({dres['n']} spectra, {dres['n_pigs']} pigs)",
        "",
        "| model | RMSE | R² |",
        "|---|---|---|",
    ]
    for m, rows in dres["models"].items():
        L.append(
            f"| {m} | {_ms([r['rmse'] for r in rows])} | "
            f"{_ms([r['r2'] for r in rows])} |"
        )
    L += [
        "",
        "## CPU cost",
        "",
        "Seconds per pretraining epoch and `transform` throughput, with the "
        "thread count in the header above; parts run side by side (`--parts`) "
        "share the cores, so these are upper bounds for an idle machine.",
        "",
        "| run | pretraining spectra | points | patch | s / epoch | "
        "embedding throughput (spectra/s) |",
        "|---|---|---|---|---|---|",
    ]
    for n, t in TIMING.items():
        L.append(
            f"| {n} | {t['pretrain_spectra']} | {t['n_points']} | "
            f"{t['patch_size']} | {t['seconds_per_epoch']:.2f} | "
            f"{t['embed_spectra_per_second']:.0f} |"
        )
    return "\n".join(L) + "\n"


SECTION = {"a": "denoise", "b": "regression", "c": "clustering", "d": "porkfat"}
PARTS = {
    "a": ("denoising", lambda cfg, arch, args, log: part_a(cfg, arch, args.seed, log)),
    "b": (
        "label_efficiency",
        lambda cfg, arch, args, log: part_b(cfg, arch, args.seed, args.data_home, log),
    ),
    "c": (
        "clustering",
        lambda cfg, arch, args, log: part_c(cfg, arch, args.seed, args.data_home, log),
    ),
    "d": (
        "porkfat",
        lambda cfg, arch, args, log: part_d(cfg, arch, args.seed, args.data_home, log),
    ),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny settings")
    parser.add_argument("--output", default=str(HERE / "results"))
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--parts",
        default="abcd",
        help="which parts to run now (e.g. 'a' and 'bcd' in two processes); "
        "each part is saved to <output>/mae_parts/<part>.json and mae.md is "
        "written once all four are there",
    )
    args = parser.parse_args(argv)
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from abcd")
    cfg = copy.deepcopy(SMOKE if args.smoke else FULL)
    arch = {**MAE_ARCH, **(SMOKE_ARCH if args.smoke else {})}
    t_start = time.perf_counter()
    command = "python benchmarks/mae.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )

    def log(msg):
        print(f"[{time.perf_counter() - t_start:7.1f} s] {msg}", flush=True)

    warnings.filterwarnings("ignore", category=UserWarning, module="cubist")
    out = Path(args.output)
    part_dir = out / ("mae_parts_smoke" if args.smoke else "mae_parts")
    part_dir.mkdir(parents=True, exist_ok=True)
    machine = (
        f"{os.cpu_count()} CPU cores, {platform.machine()}, "
        f"torch {torch.__version__} on cpu ({torch.get_num_threads()} threads), "
        f"scikit-learn {sklearn.__version__}, sklspec {sklspec.__version__}"
    )
    for part in args.parts:
        key, run = PARTS[part]
        t0 = time.perf_counter()
        TIMING.clear()
        result = run(cfg, arch, args, log)
        record = {
            "meta": {
                "command": command.strip(),
                "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "machine": machine,
                "wall_seconds": time.perf_counter() - t0,
            },
            "settings": cfg,
            "arch": arch,
            key: result,
            "timing": dict(TIMING),
        }
        (part_dir / f"{part}.json").write_text(
            json.dumps(record, indent=2, default=float)
        )
        log(f"part ({part}) saved to {part_dir / f'{part}.json'}")
    records = {}
    for part in PARTS:
        f = part_dir / f"{part}.json"
        if f.exists():
            records[part] = json.loads(f.read_text())
    missing = [p for p in PARTS if p not in records]
    if missing:
        log(f"parts {missing} not run yet: mae.md not written")
        return 0
    # each part must have run with today's settings of its own section
    same = json.loads(json.dumps({"settings": cfg, "arch": arch}, default=float))
    if any(
        r["settings"][SECTION[p]] != same["settings"][SECTION[p]]
        or r["arch"] != same["arch"]
        for p, r in records.items()
    ):
        log("saved parts were run with other settings: rerun them")
        return 1
    meta = {"parts": {p: r["meta"] for p, r in records.items()}, "arch": arch}
    TIMING.clear()
    for r in records.values():
        TIMING.update(r["timing"])
    results = [records[p][PARTS[p][0]] for p in PARTS]
    (out / ("mae_smoke.md" if args.smoke else "mae.md")).write_text(
        render(meta, cfg, *results)
    )
    payload = {
        "meta": meta,
        "settings": cfg,
        **{PARTS[p][0]: records[p][PARTS[p][0]] for p in PARTS},
        "timing": TIMING,
    }
    (out / ("mae_smoke.json" if args.smoke else "mae.json")).write_text(
        json.dumps(payload, indent=2, default=float)
    )
    log(f"wrote {out / ('mae_smoke.md' if args.smoke else 'mae.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
