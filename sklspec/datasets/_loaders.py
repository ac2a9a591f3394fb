"""Loaders for spectra stored as ``.npz`` (sklspec schema), wide ``.csv`` or
instrument files (through :mod:`sklspec.io`)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..utils import get_data_home
from ._synthetic import _feature_names

__all__ = ["list_datasets", "load_spectra"]

# npz keys with a fixed meaning; every other array goes to ``bunch.extras``
_SCHEMA_KEYS = ("X", "y", "wavelengths", "wavelength_unit", "target_names")
# first key present (npz key or CSV column) gives ``bunch.groups``
_GROUP_KEYS = ("groups", "group", "pig", "scale", "batch", "subject")
# CSV columns with a fixed meaning besides the targets
_CSV_TARGETS = ("y", "target")


def list_datasets(data_home=None) -> list[str]:
    """Names of the data sets available in the data folder.

    A data set is a sub-folder ``<name>/`` holding ``<name>.npz``, or a file
    ``<name>.npz`` directly in the folder.

    Parameters
    ----------
    data_home : str or path-like, optional
        The data folder; default: the ``SKLSPEC_DATA`` environment variable,
        else ``../shared/data`` relative to the working directory (see
        :func:`sklspec.utils.get_data_home`).

    Returns
    -------
    names : list of str
        Sorted names, usable with :func:`load_spectra`; empty when the folder
        does not exist.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from sklspec.datasets import list_datasets
    >>> home = Path(tempfile.mkdtemp())
    >>> (home / "toy").mkdir()
    >>> np.savez(home / "toy" / "toy.npz", X=np.zeros((2, 3)))
    >>> list_datasets(home)
    ['toy']
    """
    home = get_data_home(data_home)
    if not home.is_dir():
        return []
    names = {p.name for p in home.iterdir() if (p / f"{p.name}.npz").is_file()}
    names |= {p.stem for p in home.glob("*.npz") if p.is_file()}
    return sorted(names)


def _resolve(path, data_home) -> Path:
    """Find the file behind ``path`` (file, folder or data set name)."""
    p = Path(os.fspath(path)).expanduser()
    if p.is_file():
        return p
    if p.is_dir():
        candidate = p / f"{p.name}.npz"
        if candidate.is_file():
            return candidate
        npz = sorted(p.glob("*.npz"))
        if len(npz) == 1:
            return npz[0]
        raise FileNotFoundError(
            f"folder {str(p)!r} holds {len(npz)} .npz files and no "
            f"{p.name}.npz; pass the file itself."
        )
    home = get_data_home(data_home)
    is_name = p.suffix == "" and len(p.parts) == 1
    if is_name:
        for candidate in (home / p.name / f"{p.name}.npz", home / f"{p.name}.npz"):
            if candidate.is_file():
                return candidate
    available = list_datasets(data_home)
    raise FileNotFoundError(
        f"no data set at {str(p)!r}"
        + (
            f", nor a data set named {p.name!r} in the data folder {str(home)!r}"
            if is_name
            else ""
        )
        + ". Data set names are looked up in data_home, else in the folder named "
        "by the SKLSPEC_DATA environment variable, else in ../shared/data. "
        + (
            f"Available there: {', '.join(available)}."
            if available
            else "No data sets found there."
        )
    )


def _is_instrument_source(path) -> bool:
    from ..io._references import is_instrument_source

    return is_instrument_source(path)


def _scalar_str(value) -> str:
    return str(np.asarray(value).item()) if np.asarray(value).ndim == 0 else str(value)


def _select_target(target, y, target_names, columns: dict, n_samples: int, where):
    """Pick ``target`` (name or list of names) among y's columns and ``columns``."""
    names = [target] if isinstance(target, str) else list(target)
    if not names:
        raise ValueError("target must name at least one column.")
    y2 = None if y is None else (y.reshape(-1, 1) if y.ndim == 1 else y)
    tn = [] if target_names is None else [str(t) for t in target_names]
    picked = []
    for name in names:
        if name in tn and y2 is not None:
            picked.append(y2[:, tn.index(name)])
        elif name in columns:
            col = np.asarray(columns[name])
            if col.ndim != 1 or col.shape[0] != n_samples:
                raise ValueError(
                    f"{name!r} in {where} has shape {col.shape}; a target must be "
                    f"1-D with one value per sample ({n_samples})."
                )
            picked.append(col)
        else:
            options = tn + [
                k
                for k, v in columns.items()
                if np.ndim(v) == 1 and np.shape(v)[0] == n_samples
            ]
            raise ValueError(
                f"unknown target {name!r} in {where}; available: "
                f"{', '.join(options) if options else '(none)'}."
            )
    if isinstance(target, str):
        return picked[0], np.asarray([target])
    return np.column_stack(picked), np.asarray(names)


def _first_group(columns: dict, n_samples: int):
    for key in _GROUP_KEYS:
        v = columns.get(key)
        if v is not None and np.ndim(v) == 1 and np.shape(v)[0] == n_samples:
            return key, np.asarray(v)
    return None, None


def _load_npz(path: Path, target):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    if "X" not in arrays:
        raise ValueError(
            f"{str(path)!r} has no 'X' array (keys: {', '.join(arrays) or 'none'}); "
            "the sklspec npz schema needs X (samples x spectral points)."
        )
    X = arrays["X"]
    if X.ndim != 2:
        raise ValueError(f"'X' in {str(path)!r} must be 2-D, got shape {X.shape}.")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    n = X.shape[0]
    if "wavelengths" in arrays:
        wavelengths = np.asarray(arrays["wavelengths"], dtype=float)
        unit = (
            _scalar_str(arrays["wavelength_unit"])
            if "wavelength_unit" in arrays
            else "unknown"
        )
    else:
        wavelengths, unit = np.arange(X.shape[1], dtype=float), "index"
    y = arrays.get("y")
    target_names = arrays.get("target_names")
    extras = {k: v for k, v in arrays.items() if k not in _SCHEMA_KEYS}
    if target is not None:
        y, target_names = _select_target(
            target, y, target_names, extras, n, repr(str(path))
        )
    readme = path.parent / "README.md"
    descr = (
        readme.read_text(encoding="utf-8")
        if readme.is_file()
        else f"Spectra loaded from {path.name}: {n} samples x {X.shape[1]} points."
    )
    return X, y, wavelengths, unit, target_names, extras, descr


def _parse_float(text: str):
    try:
        return float(text)
    except ValueError:
        return None


def _read_csv_rows(path: Path):
    """The stripped header and the non-empty body rows of a delimited file.

    The dialect (comma, semicolon or tab) is sniffed; every row must have as
    many cells as the header.
    """
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [r for r in csv.reader(fh, dialect) if r]
    if len(rows) < 2:
        raise ValueError(f"{str(path)!r} needs a header row and at least one row.")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if any(len(r) != len(header) for r in body):
        raise ValueError(
            f"{str(path)!r}: every row must have {len(header)} cells like the header."
        )
    return header, body


def _load_csv(path: Path, target):
    header, body = _read_csv_rows(path)
    spec_cols = [i for i, h in enumerate(header) if _parse_float(h) is not None]
    if not spec_cols:
        raise ValueError(
            f"{str(path)!r} has no spectral columns: columns whose header parses "
            "as a number (a wavelength) hold the spectra."
        )
    wavelengths = np.asarray([float(header[i]) for i in spec_cols])
    X = np.asarray(
        [[float(r[i]) if r[i].strip() else np.nan for i in spec_cols] for r in body],
        dtype=np.float64,
    )
    columns: dict[str, np.ndarray] = {}
    for i, h in enumerate(header):
        if i in spec_cols:
            continue
        raw = [r[i].strip() for r in body]
        parsed = [_parse_float(v) if v else np.nan for v in raw]
        if all(v is not None for v in parsed):
            columns[h] = np.asarray(parsed, dtype=float)
        else:
            columns[h] = np.asarray(raw)
    n = X.shape[0]
    if target is None:
        key = next((k for k in _CSV_TARGETS if k in columns), None)
        y = columns.pop(key) if key is not None else None
        target_names = None
    else:
        y, target_names = _select_target(
            target, None, None, columns, n, repr(str(path))
        )
        for name in [target] if isinstance(target, str) else target:
            columns.pop(name, None)
    descr = (
        f"Spectra loaded from {path.name}: {n} samples x {len(spec_cols)} "
        f"points; metadata columns: {', '.join(columns) or 'none'}."
    )
    return X, y, wavelengths, "unknown", target_names, columns, descr


def load_spectra(
    path,
    *,
    target=None,
    data_home=None,
    references=None,
    key="file",
    block=None,
    resample=False,
) -> Bunch:
    """Load spectra from an ``.npz``, a wide ``.csv``, instrument files or a name.

    ``path`` may be:

    - an ``.npz`` file in the sklspec schema (``X``, ``wavelengths``,
      ``wavelength_unit``, ``y``, ``target_names``, optional ``split``,
      ``fold``, group and id arrays; see ``shared/data/README.md``), read
      with ``np.load(path, allow_pickle=False)``;
    - a folder holding ``<folder name>.npz`` (or a single ``.npz``); a
      ``README.md`` beside the file becomes ``DESCR``;
    - a bare data set name such as ``"tablets_nir"``, looked up as
      ``<data_home>/<name>/<name>.npz`` (or ``<data_home>/<name>.npz``), where
      ``data_home`` defaults to the ``SKLSPEC_DATA`` environment variable,
      else ``../shared/data``;
    - a wide ``.csv`` file (``,``, ``;`` or tab separated) with one header
      row and one row per sample. **Columns whose header parses as a number
      are spectral points** (the header is the wavelength); all other
      columns are metadata (e.g. ``sample_id``, ``y``, ``split``). Without
      ``target``, a column named ``y`` (else ``target``) is the target.
      Numeric metadata become float arrays, others string arrays; empty
      cells are NaN;
    - instrument files (Bruker OPUS, JCAMP-DX, SPC, ASD, Renishaw WDF; needs
      ``pip install "sklspec[io]"``): one file, a folder of them (holding no
      ``.npz``) or a glob, read with :func:`sklspec.io.read_spectra`, with
      reference values from the CSV ``references``: one row per sample, the
      column named by ``key`` identifies the spectra, the other columns are
      targets and metadata (numeric or string, as for a wide CSV). Without
      ``target``, the column ``y`` (else ``target``, else every numeric
      column but ``key``, ``split``, ``fold`` and the group columns) is ``y``.
      Every spectrum needs a row; rows without a spectrum are left out. The
      Bunch also has ``kind``, ``axis_kind``, ``metadata`` and ``files`` of
      :func:`sklspec.io.read_spectra`.

    Parameters
    ----------
    path : str or path-like
        File, folder or data set name (see above).
    target : str or list of str, optional
        Which target(s) to return as ``y``: names from ``target_names`` (the
        columns of a 2-D ``y``), or other per-sample arrays of the npz (e.g.
        ``"y_active_pct_ww"``) or metadata columns of the CSV. A list gives a
        2-D ``y``. Default: the stored ``y``.
    data_home : str or path-like, optional
        Folder where data set names are looked up.
    references : str or path-like, optional
        For instrument files: a CSV of reference values keyed by ``key``.
    key : str, default="file"
        The column of ``references`` that identifies each spectrum, matched
        against: ``"file"``, the file name (``"s01.0"``; without extension,
        ``"s01"`` matches every ``s01.*``, e.g. repeated OPUS scans);
        ``"sample_id"`` (``name#i`` for the i-th spectrum of a multi-spectrum
        file); or a metadata field of the files such as ``"sample_name"``.
    block : str, optional
        For instrument files: the OPUS block or ASD quantity (see
        :func:`sklspec.io.read_spectrum`).
    resample : bool or array-like, default=False
        For instrument files on different axes (see
        :func:`sklspec.io.read_spectra`).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (n_samples, n_points; float, float32 kept as stored), ``y``
        (1-D, 2-D or None), ``wavelengths`` (the stored axis, or point
        indices with unit ``"index"``), ``wavelength_unit`` (``"unknown"``
        for a CSV), ``target_names`` (or None), ``feature_names``
        (wavelengths as strings), ``split``, ``fold``, ``groups`` (or None;
        ``groups`` is the first of the arrays ``groups``, ``group``, ``pig``,
        ``scale``, ``batch``, ``subject`` present, named in
        ``groups_name``), ``sample_id`` (or None), ``extras`` (every stored array
        but ``X``, ``y``, ``wavelengths``, ``wavelength_unit`` and
        ``target_names``, by key: second-instrument spectra, other targets,
        ids, also those exposed as ``split``/``fold``/``groups``), ``name``,
        ``path`` and ``DESCR``.

    Raises
    ------
    FileNotFoundError
        If nothing is found at ``path`` or under that name in the data folder.
    ValueError
        If the npz has no ``X``, the CSV has no spectral column, or
        ``target`` is unknown (the message lists the available ones); for
        instrument files also :class:`sklspec.io.SpectrumFileError`, and a
        spectrum without a row in ``references``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from sklspec.datasets import load_spectra
    >>> path = Path(tempfile.mkdtemp()) / "toy.npz"
    >>> np.savez(path, X=np.ones((4, 3)), wavelengths=[1100.0, 1102.0, 1104.0],
    ...          wavelength_unit="nm", y=np.array(["a", "b", "a", "b"]),
    ...          batch=np.array([1, 1, 2, 2]))
    >>> data = load_spectra(path)
    >>> data.X.shape, data.y.tolist(), data.feature_names.tolist()
    ((4, 3), ['a', 'b', 'a', 'b'], ['1100', '1102', '1104'])
    >>> data.groups_name, data.groups.tolist()
    ('batch', [1, 1, 2, 2])
    """
    if references is not None or _is_instrument_source(path):
        from ..io._references import load_instrument_spectra

        return load_instrument_spectra(
            path,
            target=target,
            references=references,
            key=key,
            block=block,
            resample=resample,
        )
    file = _resolve(path, data_home)
    if file.suffix.lower() == ".csv":
        X, y, wl, unit, target_names, extras, descr = _load_csv(file, target)
    elif file.suffix.lower() == ".npz":
        X, y, wl, unit, target_names, extras, descr = _load_npz(file, target)
    else:
        raise ValueError(
            f"{str(file)!r}: unsupported file type {file.suffix!r}; use .npz or .csv."
        )
    n = X.shape[0]
    if wl.shape[0] != X.shape[1]:
        raise ValueError(
            f"{str(file)!r}: {wl.shape[0]} wavelengths for {X.shape[1]} spectral "
            "points."
        )
    if y is not None and np.shape(y)[0] != n:
        raise ValueError(f"{str(file)!r}: y has {np.shape(y)[0]} rows, X has {n}.")
    groups_name, groups = _first_group(extras, n)

    def per_sample(key):
        v = extras.get(key)
        return v if v is not None and np.ndim(v) == 1 and len(v) == n else None

    return Bunch(
        X=X,
        y=y,
        wavelengths=wl,
        wavelength_unit=unit,
        target_names=None if target_names is None else np.asarray(target_names),
        feature_names=_feature_names(wl),
        split=per_sample("split"),
        fold=per_sample("fold"),
        groups=groups,
        groups_name=groups_name,
        sample_id=per_sample("sample_id"),
        extras=extras,
        name=file.stem,
        path=str(file),
        DESCR=descr,
    )
