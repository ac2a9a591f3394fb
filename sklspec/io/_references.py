"""A folder of instrument files plus a CSV of reference values, as one Bunch.

Used by :func:`sklspec.datasets.load_spectra` when it is given instrument
files (a folder of them, one file or a glob) and/or ``references=``.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import numpy as np

from ._core import _HEAD, read_spectra
from ._formats import sniff

_ROLE_COLUMNS = ("split", "fold", "sample_id")


def is_instrument_source(path) -> bool:
    """True when ``path`` is an instrument file, a folder of them without an
    ``.npz``, or a glob (``load_spectra`` then reads it with
    :func:`sklspec.io.read_spectra`)."""
    text = os.fspath(path)
    p = Path(text).expanduser()
    if p.is_file():
        if p.suffix.lower() in (".npz", ".csv"):
            return False
        with open(p, "rb") as fh:
            return sniff(p, fh.read(_HEAD)) is not None
    if p.is_dir():
        if any(p.glob("*.npz")):
            return False
        for f in p.iterdir():
            if f.is_file() and f.suffix.lower() not in (".csv", ".md", ".txt"):
                with open(f, "rb") as fh:
                    if sniff(f, fh.read(_HEAD)) is not None:
                        return True
        return False
    return glob.has_magic(text)


def _read_csv(path: Path):
    from ..datasets._loaders import _read_csv_rows

    header, body = _read_csv_rows(path)
    return header, [[c.strip() for c in r] for r in body]


def _column(values: list[str]) -> np.ndarray:
    from ..datasets._loaders import _parse_float

    parsed = [_parse_float(v) if v else np.nan for v in values]
    if all(v is not None for v in parsed):
        return np.asarray(parsed, dtype=float)
    return np.asarray(values)


def _spectrum_keys(data, key: str) -> list[list[str]]:
    """For each spectrum, the identifiers a CSV key value may match, best first."""
    meta = data.metadata
    if key == "file":
        return [[m["file"], Path(m["file"]).stem] for m in meta]
    if key == "sample_id":
        return [[str(s)] for s in data.sample_id]
    if all(m.get(key) is None for m in meta):
        fields = sorted({k for m in meta for k, v in m.items() if v is not None})
        raise ValueError(
            f"key={key!r} matches no metadata field of the spectra; use 'file' "
            f"(the file name, extension optional), 'sample_id', or one of: "
            f"{', '.join(f for f in fields if f not in ('path', 'reader_messages'))}."
        )
    return [[str(m.get(key))] for m in meta]


def load_instrument_spectra(
    path, *, target=None, references=None, key="file", block=None, resample=False
):
    """Instrument files (+ a CSV of reference values) in the load_spectra schema."""
    from ..datasets._loaders import (
        _CSV_TARGETS,
        _GROUP_KEYS,
        _first_group,
        _select_target,
    )

    data = read_spectra(path, block=block, resample=resample)
    n = data.X.shape[0]
    extras = dict(data.extras)
    y = target_names = None
    descr = data.DESCR
    if references is None:
        if target is not None:
            raise ValueError(
                "target= needs reference values for instrument files: pass "
                "references='refs.csv' (a CSV with a column "
                f"{key!r} naming the files)."
            )
    else:
        ref_path = Path(os.fspath(references)).expanduser()
        if not ref_path.is_file():
            raise FileNotFoundError(f"no references file at {str(ref_path)!r}.")
        header, rows = _read_csv(ref_path)
        if key not in header:
            raise ValueError(
                f"{str(ref_path)!r} has no column {key!r} (columns: "
                f"{', '.join(header)}); key= names the column that identifies the "
                "spectra: 'file' (file names), 'sample_id', or a metadata field "
                "such as 'sample_name'."
            )
        k = header.index(key)
        index: dict[str, int] = {}
        for i, r in enumerate(rows):
            if r[k] in index:
                raise ValueError(
                    f"{str(ref_path)!r}: {key} {r[k]!r} appears on two rows "
                    f"({index[r[k]] + 2} and {i + 2}); each needs one row."
                )
            index[r[k]] = i
        which, missing = [], []
        for sid, candidates in zip(
            data.sample_id, _spectrum_keys(data, key), strict=True
        ):
            hit = next((index[c] for c in candidates if c in index), None)
            if hit is None:
                missing.append(str(sid))
            which.append(hit)
        if missing:
            raise ValueError(
                f"{len(missing)} of {n} spectra have no row in {str(ref_path)!r} "
                f"(matched on {key!r}): {', '.join(missing[:5])}"
                + (" ..." if len(missing) > 5 else "")
                + ". Add their rows, or move those files out of the folder."
            )
        columns = {
            h: _column([rows[i][j] for i in which])
            for j, h in enumerate(header)
            if j != k
        }
        if target is None:
            name = next((c for c in _CSV_TARGETS if c in columns), None)
            if name is None:
                skip = set(_GROUP_KEYS) | set(_ROLE_COLUMNS)
                numeric = [
                    c
                    for c, v in columns.items()
                    if c not in skip and np.issubdtype(v.dtype, np.floating)
                ]
                name = numeric[0] if len(numeric) == 1 else (numeric or None)
            target = name
        if target is not None:
            y, target_names = _select_target(
                target, None, None, columns, n, repr(str(ref_path))
            )
            for c in [target] if isinstance(target, str) else target:
                columns.pop(c, None)
        extras.update(columns)
        names = "none" if target_names is None else ", ".join(map(str, target_names))
        descr += (
            f" Reference values from {ref_path.name} matched on {key!r} "
            f"({len(set(which))} of {len(rows)} rows used); target(s): {names}."
        )
    groups_name, groups = _first_group(extras, n)

    def per_sample(name):
        v = extras.get(name)
        return v if v is not None and np.ndim(v) == 1 and len(v) == n else None

    sample_id = per_sample("sample_id")
    data.update(
        y=y,
        target_names=None if target_names is None else np.asarray(target_names),
        split=per_sample("split"),
        fold=per_sample("fold"),
        groups=groups,
        groups_name=groups_name,
        sample_id=data.sample_id if sample_id is None else sample_id,
        extras=extras,
        DESCR=descr,
    )
    return data
