"""``read_spectrum`` and ``read_spectra``: instrument files to the sklspec Bunch."""

from __future__ import annotations

import glob
import os
import warnings
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..datasets._synthetic import _feature_names
from ._errors import AxisMismatchError, SpectrumFileError
from ._formats import (
    FORMATS,
    READERS,
    _Parsed,
    describe_unknown,
    sniff,
    supported_formats_text,
)

__all__ = ["read_spectra", "read_spectrum", "supported_formats"]

_HEAD = 64
_BLOCK_FORMATS = ("opus", "asd")
_PER_SAMPLE = ("file", "format", "block", "kind", "instrument", "date", "sample_name")


def supported_formats() -> dict[str, dict]:
    """The instrument formats :mod:`sklspec.io` reads, and their readers.

    Returns
    -------
    formats : dict
        Format key (``"opus"``, ``"jcamp"``, ``"spc"``, ``"asd"``, ``"wdf"``,
        the values of ``format=``) to a dict with ``name``, ``package`` (the
        PyPI reader, installed by ``pip install "sklspec[io]"``),
        ``extensions`` and ``installed`` (whether the reader imports).

    Examples
    --------
    >>> from sklspec.io import supported_formats
    >>> sorted(supported_formats())
    ['asd', 'jcamp', 'opus', 'spc', 'wdf']
    >>> supported_formats()["opus"]["package"]
    'brukeropus'
    """
    import importlib.util

    out = {}
    for key, info in FORMATS.items():
        out[key] = {
            "name": info["name"],
            "package": info["package"],
            "extensions": info["pattern"],
            "installed": importlib.util.find_spec(info["module"]) is not None,
        }
    return out


def _check_path(path) -> Path:
    p = Path(os.fspath(path)).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"no such file: {str(p)!r}.")
    if p.is_dir():
        raise IsADirectoryError(
            f"{str(p)!r} is a folder; read_spectrum reads one file, "
            "read_spectra reads a folder."
        )
    return p


def _parse_file(path, *, block=None, format=None) -> tuple[Path, str, _Parsed]:
    """Read one file into a :class:`_Parsed` (no warning emitted)."""
    p = _check_path(path)
    with open(p, "rb") as fh:
        head = fh.read(_HEAD)
    if format is not None:
        if format not in FORMATS:
            raise ValueError(
                f"unknown format={format!r}; one of {', '.join(map(repr, FORMATS))}."
            )
        fmt = format
    else:
        fmt = sniff(p, head)
    if not head:
        raise SpectrumFileError(
            f"{str(p)!r}: the file is empty (0 bytes), so it holds no spectrum. "
            "The copy or export was probably interrupted; copy or export it again.",
            p,
        )
    if fmt is None:
        raise SpectrumFileError(
            f"{str(p)!r}: unknown instrument format (extension {p.suffix!r}, and "
            f"its first bytes match no supported format).{describe_unknown(head)} "
            f"Supported: {supported_formats_text()}. If the file is one of these "
            "under another name, pass format=.",
            p,
        )
    if block is not None and fmt not in _BLOCK_FORMATS:
        raise SpectrumFileError(
            f"{str(p)!r} is {FORMATS[fmt]['name']}, which holds one kind of "
            f"spectrum; block={block!r} applies to Bruker OPUS (a data block such "
            "as 'a', 'rf', 'sm') and ASD ('reflectance', 'radiance', "
            "'digital_number') files only. Read this file without block=.",
            p,
        )
    return p, fmt, READERS[fmt](p, head, block)


def _rows(p: Path, parsed: _Parsed) -> list[dict]:
    n = parsed.Y.shape[0]
    rows = []
    for i in range(n):
        row = {
            "file": p.name,
            "path": str(p),
            "spectrum_index": i,
            "sample_id": p.name if n == 1 else f"{p.name}#{i}",
            "kind": parsed.kind,
            "n_points": int(parsed.x.size),
        }
        row.update(parsed.meta)
        if parsed.per_spectrum is not None:
            row.update(parsed.per_spectrum[i])
        row["reader_messages"] = list(parsed.messages)
        rows.append(row)
    return rows


def _same_axis(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=0.0)


def _axis_text(x: np.ndarray, unit: str) -> str:
    return f"{x.size} points, {x[0]:g} -> {x[-1]:g} {unit}"


def _is_axis(resample) -> bool:
    """Whether ``resample`` is an axis to resample onto (not a flag)."""
    return resample is not None and not isinstance(resample, (bool, np.bool_))


def _common_axis(items, resample):
    """The one axis of all files, resampling them when asked; (x, [Y...])."""
    explicit = _is_axis(resample)
    units = {(it[2].x_unit, it[2].axis_kind) for it in items}
    kinds = {it[2].kind for it in items}
    if len(units) > 1 or len(kinds) > 1:
        first = {}
        for p, _, parsed in items:
            first.setdefault((parsed.x_unit, parsed.axis_kind, parsed.kind), p.name)
        listing = "; ".join(
            f"{u} ({a}), {k}: e.g. {name}" for (u, a, k), name in first.items()
        )
        raise AxisMismatchError(
            "the files hold different units or measurement kinds, which cannot "
            f"be stacked into one table: {listing}. Read them separately (and "
            "for OPUS/ASD files pick the same quantity with block=); "
            "sklspec.preprocessing.Resample only interpolates within one unit."
        )
    x0 = items[0][2].x
    groups: list[tuple[np.ndarray, list[str]]] = []
    for p, _, parsed in items:
        for x, names in groups:
            if _same_axis(x, parsed.x):
                names.append(p.name)
                break
        else:
            groups.append((parsed.x, [p.name]))
    if len(groups) == 1 and not explicit:  # an explicit axis is always honoured
        return x0, [it[2].Y for it in items]
    unit = items[0][2].x_unit
    if not explicit and not resample:
        listing = "; ".join(
            f"{_axis_text(x, unit)}: {len(names)} file(s), e.g. {names[0]}"
            for x, names in groups
        )
        raise AxisMismatchError(
            f"the files are on {len(groups)} different axes ({listing}). Pass "
            "resample=True to interpolate them onto one common axis, or read "
            "them separately and put them on one axis with "
            "sklspec.preprocessing.Resample."
        )
    from ..preprocessing import Resample

    lo = max(float(np.min(it[2].x)) for it in items)
    hi = min(float(np.max(it[2].x)) for it in items)
    if not explicit:
        target = x0[(x0 >= lo) & (x0 <= hi)]
    else:
        target = np.asarray(resample, dtype=np.float64).ravel()
        outside = (target < lo) | (target > hi)
        if outside.any():
            raise AxisMismatchError(
                f"resample= asks for points outside the range every file covers "
                f"({lo:g} to {hi:g} {unit}); Resample does not extrapolate."
            )
    if target.size < 2:
        raise AxisMismatchError(
            f"the files' axes share too little range ({lo:g} to {hi:g} {unit}) "
            "for a common axis; read them separately."
        )
    out = []
    for p, _, parsed in items:
        if _same_axis(parsed.x, target):
            out.append(parsed.Y)
            continue
        try:
            res = Resample(target_wavelengths=target, wavelengths=parsed.x)
            out.append(res.fit_transform(np.asarray(parsed.Y, dtype=np.float64)))
        except ValueError as exc:
            raise AxisMismatchError(
                f"{str(p)!r}: cannot resample onto the common axis: {exc}"
            ) from exc
    return target, out


def _bunch(items, *, resample=False, as_frame=False, name=None, source=None) -> Bunch:
    x, Ys = _common_axis(items, resample)
    asked = _is_axis(resample) or bool(resample)
    dtype = np.result_type(*[Y.dtype for Y in Ys])
    if not np.issubdtype(dtype, np.floating):
        dtype = np.float64
    X = np.vstack([np.asarray(Y, dtype=dtype) for Y in Ys])
    rows = []
    for p, _, parsed in items:
        for row in _rows(p, parsed):
            if asked:
                row["resampled"] = not _same_axis(parsed.x, x)
            rows.append(row)
    resampled = any(row.get("resampled", False) for row in rows)
    first = items[0][2]
    sample_id = np.asarray([r["sample_id"] for r in rows], dtype=object)
    extras = {
        key: np.asarray([r.get(key) for r in rows], dtype=object) for key in _PER_SAMPLE
    }
    files = list(dict.fromkeys(str(p) for p, _, _ in items))
    formats = sorted({fmt for _, fmt, _ in items})
    blocks = sorted({str(r["block"]) for r in rows if r.get("block") is not None})
    descr = (
        f"{X.shape[0]} spectra x {X.shape[1]} points read from {len(files)} "
        f"file(s) ({', '.join(FORMATS[f]['name'] for f in formats)}); axis "
        f"{x[0]:g} -> {x[-1]:g} {first.x_unit} ({first.axis_kind}); "
        f"kind {first.kind}"
        + (f"; block(s) {', '.join(blocks)}" if blocks else "")
        + ("; resampled onto a common axis" if resampled else "")
        + "."
    )
    feature_names = _feature_names(x)
    metadata = rows
    if as_frame:
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is a dev dep
            raise ImportError(
                'as_frame=True needs pandas: pip install "sklspec[pandas]".'
            ) from exc
        index = pd.Index(list(sample_id), name="sample_id")
        X = pd.DataFrame(X, columns=list(feature_names), index=index)
        metadata = pd.DataFrame(rows, index=index)
    return Bunch(
        X=X,
        y=None,
        wavelengths=x,
        wavelength_unit=first.x_unit,
        axis_kind=first.axis_kind,
        kind=first.kind,
        target_names=None,
        feature_names=feature_names,
        split=None,
        fold=None,
        groups=None,
        groups_name=None,
        sample_id=sample_id,
        extras=extras,
        metadata=metadata,
        files=files,
        name=name,
        path=source,
        DESCR=descr,
    )


def _warn_choices(items, stacklevel=3):
    notes = [
        (p.name, parsed.choice_note) for p, _, parsed in items if parsed.choice_note
    ]
    if not notes:
        return
    if len(notes) == 1:
        msg = f"{notes[0][0]}: {notes[0][1]}"
    else:
        msg = (
            f"{len(notes)} of {len(items)} files had no default block, e.g. "
            f"{notes[0][0]}: {notes[0][1]} (metadata['block'] says which block "
            "each file gave)."
        )
    warnings.warn(msg, UserWarning, stacklevel=stacklevel)


def read_spectrum(path, *, block=None, format=None, as_frame=False) -> Bunch:
    """Read one instrument file: its spectra, axis, unit, kind and metadata.

    The format comes from the file's first bytes where they are distinctive
    (OPUS, WDF, ASD, JCAMP-DX), else from its extension; ``format=`` forces
    one. Each format is read by its own package (``pip install
    "sklspec[io]"``); see :func:`supported_formats`.

    Parameters
    ----------
    path : str or path-like
        The file.
    block : str, optional
        Which data a multi-block file gives. Bruker OPUS: a data block key
        such as ``"a"`` (absorbance), ``"t"``, ``"r"``, ``"sm"`` (sample single
        channel), ``"rf"`` (reference), ``"igsm"``; default: absorbance, else
        transmittance, reflectance, ..., single channels, and a
        :class:`UserWarning` says which block was taken when there was no
        absorbance and several blocks. ASD: ``"reflectance"``, ``"radiance"``
        or ``"digital_number"``; default: what the file's data type says
        (reflectance for reflectance files, radiance for radiance files when
        it can be computed, else the raw digital numbers). Other formats hold
        one kind of spectrum and refuse ``block``.
    format : {"opus", "jcamp", "spc", "asd", "wdf"}, optional
        Read the file as this format whatever its name.
    as_frame : bool, default=False
        Return ``X`` as a pandas DataFrame whose column names are the
        wavelengths as strings (index: ``sample_id``) and ``metadata`` as a
        DataFrame.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        The schema of :func:`sklspec.datasets.load_spectra`: ``X`` (n_spectra,
        n_points; float32 where the reader gives float32), ``wavelengths`` (in
        file order, often descending), ``wavelength_unit`` (``"cm-1"``,
        ``"nm"``, ``"um"``, ``"Hz"``, ``"m/z"``, ``"points"``,
        ``"arbitrary"``...), ``feature_names`` (the wavelengths as strings),
        ``sample_id`` (the file name, ``name#i`` for the i-th spectrum of a
        multi-spectrum file), ``y``/``target_names``/``split``/``fold``/
        ``groups`` (None), ``extras`` (per-spectrum arrays ``file``, ``format``,
        ``block``, ``kind``, ``instrument``, ``date``, ``sample_name``),
        ``name``, ``path``, ``DESCR``; and ``kind`` (the measurement:
        ``"absorbance"``, ``"transmittance"``, ``"reflectance"``,
        ``"radiance"``, ``"counts"``, ``"digital_number"``,
        ``"single_channel_sample"``, ``"arbitrary"``, ``"unknown"``...),
        ``axis_kind`` (``"wavenumber"``, ``"raman_shift"``, ``"wavelength"``,
        ``"mass_to_charge"``, ``"arbitrary"``...), ``metadata`` (one dict per
        spectrum: file, format, reader, block and the blocks available,
        instrument, date (ISO 8601 where the reader gives a date, else the
        file's own text), sample name, format-specific fields and
        ``reader_messages``, what the reader printed or logged) and ``files``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a folder (:func:`read_spectra` reads folders).
    SpectrumFileError
        If the file is empty, truncated, corrupt, of an unknown format, or
        gives no (or inconsistent) spectra; the message names the file, the
        problem and the fix. A :class:`ValueError`.
    ImportError
        If the reader package of the format is not installed (the message
        says ``pip install "sklspec[io]"``).

    See Also
    --------
    read_spectra : Several files, a folder or a glob into one table.

    Examples
    --------
    >>> from sklspec.io import read_spectrum
    >>> data = read_spectrum("sample.0")  # doctest: +SKIP
    >>> data.kind, data.wavelength_unit, data.metadata[0]["block"]  # doctest: +SKIP
    ('absorbance', 'cm-1', 'a')
    """
    p, fmt, parsed = _parse_file(path, block=block, format=format)
    items = [(p, fmt, parsed)]
    _warn_choices(items)
    return _bunch(items, as_frame=as_frame, name=p.name, source=str(p))


def _expand(source) -> tuple[list[Path], str, str]:
    """Files behind a path, folder, glob or list; (files, name, source text)."""
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        p = Path(text).expanduser()
        if p.is_dir():
            files = sorted(
                f
                for f in p.iterdir()
                if f.is_file() and not f.name.startswith(".") and _looks_supported(f)
            )
            if not files:
                raise FileNotFoundError(
                    f"folder {str(p)!r} holds no instrument file. Supported: "
                    f"{supported_formats_text()}."
                )
            return files, p.name, str(p)
        if p.is_file():
            return [p], p.name, str(p)
        if glob.has_magic(text):
            files = sorted(
                Path(f) for f in glob.glob(os.path.expanduser(text), recursive=True)
            )
            files = [f for f in files if f.is_file()]
            if not files:
                raise FileNotFoundError(f"no file matches {text!r}.")
            return files, text, text
        raise FileNotFoundError(f"no such file or folder: {text!r}.")
    paths = [Path(os.fspath(s)).expanduser() for s in source]
    if not paths:
        raise ValueError("read_spectra needs at least one file.")
    return (
        paths,
        "spectra",
        "; ".join(map(str, paths[:3])) + (" ..." if len(paths) > 3 else ""),
    )


def _looks_supported(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return False
    return sniff(path, head) is not None


def read_spectra(
    paths, *, block=None, resample=False, format=None, as_frame=False, errors="raise"
) -> Bunch:
    """Read several instrument files into one table of spectra.

    Parameters
    ----------
    paths : str, path-like or list of them
        A folder (its instrument files, recognised by first bytes or
        extension, not recursing; other files such as a README or a CSV are
        left out), a glob such as ``"run1/*.0"`` (``**`` recurses), one file,
        or a list of files.
    block : str, optional
        As in :func:`read_spectrum`, for every file. When files had no
        absorbance block and several others, one :class:`UserWarning` sums up
        which block was taken.
    resample : bool or array-like, default=False
        Files on different axes are refused (:class:`AxisMismatchError`,
        naming :class:`sklspec.preprocessing.Resample`) unless this is set.
        True: interpolate every file (linear, with
        :class:`~sklspec.preprocessing.Resample`) onto the first file's axis
        cut to the range all files cover. An array: onto that axis (within the
        range all files cover). Files in different units or of different
        measurement kinds are refused either way.
    format : str, optional
        Read every file as this format (see :func:`read_spectrum`).
    as_frame : bool, default=False
        ``X`` and ``metadata`` as pandas DataFrames (see
        :func:`read_spectrum`).
    errors : {"raise", "warn"}, default="raise"
        What a file that cannot be read does: raise its
        :class:`SpectrumFileError`, or be left out with one
        :class:`UserWarning` naming every file left out and why.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As :func:`read_spectrum`, one row per spectrum, files in sorted order
        (a list keeps its order). When `resample` is set,
        ``metadata[i]["resampled"]`` says whether each file was changed (cut
        or interpolated).

    Raises
    ------
    FileNotFoundError
        If a path does not exist, or a folder or glob gives no file.
    SpectrumFileError
        If a file cannot be read (``errors="raise"``), or none can.
    AxisMismatchError
        If the files are on different axes and ``resample`` is False, or in
        different units or kinds.

    Examples
    --------
    >>> from sklspec.io import read_spectra
    >>> data = read_spectra("opus_folder/", as_frame=True)  # doctest: +SKIP
    >>> data.X.shape, data.kind  # doctest: +SKIP
    ((48, 2567), 'absorbance')
    """
    if errors not in ("raise", "warn"):
        raise ValueError(f"errors must be 'raise' or 'warn', got {errors!r}.")
    files, name, source = _expand(paths)
    items, skipped = [], []
    for f in files:
        try:
            items.append(_parse_file(f, block=block, format=format))
        except SpectrumFileError as exc:
            if errors == "raise":
                raise
            skipped.append(str(exc))
    if skipped:
        warnings.warn(
            f"left out {len(skipped)} of {len(files)} files: " + " || ".join(skipped),
            UserWarning,
            stacklevel=2,
        )
    if not items:
        raise SpectrumFileError(
            f"none of the {len(files)} files of {source!r} could be read.", source
        )
    _warn_choices(items)
    return _bunch(items, resample=resample, as_frame=as_frame, name=name, source=source)
