"""One function per instrument format, each on its reader package.

Every ``_read_<format>(path, head, block)`` returns a :class:`_Parsed`: the
spectra of one file on one axis, the axis unit, the measurement kind and the
file's metadata. Every way a reader fails, or silently returns nothing, ends
in a :class:`~sklspec.io.SpectrumFileError` naming the file, the problem and
the fix. The readers' own output (``print``, logging, warnings) is captured
and kept in the metadata under ``reader_messages``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import re
import sys
import types
import warnings
from dataclasses import dataclass, field
from importlib import metadata as _md
from pathlib import Path

import numpy as np

from ._errors import SpectrumFileError

# format -> what it is, which package reads it, file name endings
FORMATS: dict[str, dict] = {
    "opus": {
        "name": "Bruker OPUS",
        "package": "brukeropus",
        "module": "brukeropus",
        "extensions": (".0", ".1", ".2", "..."),
        "pattern": "numeric extension (.0, .1, ..., .0000)",
    },
    "jcamp": {
        "name": "JCAMP-DX",
        "package": "jcamp",
        "module": "jcamp",
        "extensions": (".jdx", ".dx", ".jcm", ".jcamp"),
        "pattern": ".jdx, .dx, .jcm, .jcamp",
    },
    "spc": {
        "name": "Galactic/Thermo SPC",
        "package": "spc-io",
        "module": "spc_io",
        "extensions": (".spc",),
        "pattern": ".spc",
    },
    "asd": {
        "name": "ASD FieldSpec",
        "package": "pyASDReader",
        "module": "pyASDReader",
        "extensions": (".asd",),
        "pattern": ".asd",
    },
    "wdf": {
        "name": "Renishaw WiRE",
        "package": "renishawWiRE",
        "module": "renishawWiRE",
        "extensions": (".wdf",),
        "pattern": ".wdf",
    },
}

_EXT = {".jdx": "jcamp", ".dx": "jcamp", ".jcm": "jcamp", ".jcamp": "jcamp"}
_EXT.update({".spc": "spc", ".asd": "asd", ".wdf": "wdf"})
_OPUS_MAGIC = b"\x0a\x0a\xfe\xfe"
_ASD_MAGIC = re.compile(rb"^(ASD|as[1-9])")
# what some formats we do not read start with, for a better message
_OTHER_MAGIC = {
    b"Spectral Data File": "a Thermo OMNIC .spa file",
    b"Spectral Exported File": "a Thermo OMNIC .spg file",
    b"PK\x03\x04": "a zip archive",
    b"\x89HDF": "an HDF5 file",
}


def supported_formats_text() -> str:
    return "; ".join(
        f"{v['name']} ({v['pattern']}, reader {v['package']})" for v in FORMATS.values()
    )


@dataclass
class _Parsed:
    """What one file holds: spectra (rows of Y) on the axis x."""

    x: np.ndarray
    Y: np.ndarray
    x_unit: str
    axis_kind: str
    kind: str
    meta: dict
    per_spectrum: list[dict] | None = None
    choice_note: str | None = None
    messages: list[str] = field(default_factory=list)


# --------------------------------------------------------------------- helpers


def _fail(path, problem: str, fix: str) -> SpectrumFileError:
    return SpectrumFileError(f"{str(path)!r}: {problem} {fix}", path)


def _version(package: str) -> str:
    try:
        return _md.version(package)
    except _md.PackageNotFoundError:  # pragma: no cover - imported but unknown
        return "?"


def _import_reader(fmt: str, path):
    """Import the reader package of ``fmt``, or say which extra to install."""
    info = FORMATS[fmt]
    try:
        if fmt == "asd":
            return _import_asd()
        return importlib.import_module(info["module"])
    except ImportError as exc:
        raise ImportError(
            f"reading {str(path)!r} ({info['name']}) needs the optional package "
            f"{info['package']!r}, which is not installed: "
            f'pip install "sklspec[io]" (all instrument readers) or '
            f"pip install {info['package']}."
        ) from exc


def _import_asd():
    """Import pyASDReader without its import-time side effects.

    pyASDReader 1.2.3 runs ``logging.basicConfig(handlers=[FileHandler(...)])``
    when imported: it writes ``asd_reader_<date>.log`` into the working folder
    and takes over the root logger. A stand-in ``logger_setup`` module is put
    in place while it is imported, so neither happens.
    """
    loaded = sys.modules.get("pyASDReader")
    if loaded is not None:
        return loaded
    name = "pyASDReader.logger_setup"
    previous = sys.modules.get(name)
    stub = types.ModuleType(name)
    stub.setup_logging = lambda *args, **kwargs: None
    sys.modules[name] = stub
    try:
        return importlib.import_module("pyASDReader")
    finally:
        if sys.modules.get(name) is stub:
            if previous is None:
                del sys.modules[name]
            else:  # pragma: no cover
                sys.modules[name] = previous


class _Collect(logging.Handler):
    def __init__(self, sink: list):
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record):
        self.sink.append(f"{record.name}: {record.levelname}: {record.getMessage()}")


@contextlib.contextmanager
def _quiet(sink: list, loggers=()):
    """Capture stdout, stderr, warnings and the given loggers into ``sink``."""
    out, err = io.StringIO(), io.StringIO()
    handler = _Collect(sink)
    saved = []
    for name in loggers:
        lg = logging.getLogger(name)
        saved.append((lg, lg.propagate, lg.level))
        lg.addHandler(handler)
        lg.propagate = False
        lg.setLevel(logging.DEBUG)
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            warnings.simplefilter("always")
            yield
    finally:
        for lg, propagate, level in saved:
            lg.removeHandler(handler)
            lg.propagate = propagate
            lg.setLevel(level)
        sink.extend(line for line in out.getvalue().splitlines() if line.strip())
        sink.extend(line for line in err.getvalue().splitlines() if line.strip())
        sink.extend(f"{w.category.__name__}: {w.message}" for w in caught)


def _text(value) -> str | None:
    """A clean string from bytes / str / None; None when empty."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0].decode("latin-1")
    value = str(value).strip()
    return value or None


def _iso(dt) -> str | None:
    if dt is None or getattr(dt, "year", 0) < 1900:
        return None
    return dt.isoformat()


def _enum_name(value) -> str | None:
    if value is None:
        return None
    return getattr(value, "name", None) or str(value)


def _sizes(path) -> str:
    return f"{Path(path).stat().st_size:,} bytes"


# ------------------------------------------------------------------ detection


def sniff(path: Path, head: bytes) -> str | None:
    """Format from the first bytes, else from the extension; None if unknown."""
    if head.startswith(_OPUS_MAGIC):
        return "opus"
    if head.startswith(b"WDF1"):
        return "wdf"
    if _ASD_MAGIC.match(head):
        return "asd"
    if head.lstrip().startswith(b"##"):
        return "jcamp"
    ext = path.suffix.lower()
    if ext in _EXT:
        return _EXT[ext]
    if re.fullmatch(r"\.\d+", ext):
        return "opus"
    return None


def describe_unknown(head: bytes) -> str:
    for magic, what in _OTHER_MAGIC.items():
        if head.startswith(magic):
            return f" It looks like {what}, which sklspec.io does not read."
    return ""


# ------------------------------------------------------------------- OPUS

# default block preference: absorbance first, interferograms and phases last
_OPUS_PREFERENCE = ("a", "t", "r", "km", "logr", "atr", "ra", "e", "pas", "sm", "rf")
_OPUS_KIND = {
    "a": "absorbance",
    "t": "transmittance",
    "r": "reflectance",
    "km": "kubelka_munk",
    "logr": "log_reflectance",
    "atr": "atr",
    "ra": "raman_intensity",
    "e": "emission",
    "pas": "photoacoustic",
    "tr": "trace",
    "sm": "single_channel_sample",
    "rf": "single_channel_reference",
    "igsm": "interferogram_sample",
    "igrf": "interferogram_reference",
    "phsm": "phase_sample",
    "phrf": "phase_reference",
}
_OPUS_UNIT = {
    "WN": ("cm-1", "wavenumber"),
    "MI": ("um", "wavelength"),
    "LGW": ("log(cm-1)", "log_wavenumber"),
    "PNT": ("points", "points"),
    "MIN": ("min", "time"),
}


def _opus_param(params, key):
    try:
        if key in params.keys():
            return getattr(params, key)
    except Exception:  # noqa: BLE001 - brukeropus may recurse on broken files
        return None
    return None


def _read_opus(path: Path, head: bytes, block):
    bo = _import_reader("opus", path)
    if not head.startswith(_OPUS_MAGIC):
        raise _fail(
            path,
            "is not a Bruker OPUS file (it does not start with the OPUS magic "
            f"bytes 0a 0a fe fe).{describe_unknown(head)}",
            "Pass the file with its own format, or export it from OPUS again.",
        )
    messages: list[str] = []
    try:
        with _quiet(messages, ["brukeropus"]):
            opus = bo.read_opus(str(path))
    except Exception as exc:  # noqa: BLE001 - brukeropus raises bare KeyErrors
        raise _fail(
            path,
            f"could not be parsed as Bruker OPUS ({_sizes(path)}): brukeropus "
            f"failed with {type(exc).__name__}: {exc}. The file is most likely "
            "truncated or corrupt (an interrupted copy or export).",
            "Copy it again, or export it again from OPUS.",
        ) from exc
    if not getattr(opus, "is_opus", False):
        raise _fail(
            path,
            "is not a readable Bruker OPUS file (brukeropus found no OPUS header).",
            "Check that this is the OPUS file itself, not an export in another format.",
        )
    keys = list(opus.data_keys)
    if not keys:
        raise _fail(
            path,
            "holds no data block (brukeropus found the OPUS header but no "
            "spectrum in it).",
            "Save the file again from OPUS with its spectra.",
        )

    def label(k):
        return getattr(getattr(opus, k, None), "label", k)

    listing = ", ".join(f"{k!r} ({label(k)})" for k in keys)
    note = None
    if block is None:
        chosen = next((k for k in _OPUS_PREFERENCE if k in keys), None)
        if chosen is None:
            chosen = next((k for k in keys if not k.startswith(("ig", "ph"))), keys[0])
        if chosen != "a" and len(keys) > 1:
            note = (
                f"took block {chosen!r} ({label(chosen)}): there is no "
                f"absorbance block; the file holds {listing}. Pass block=... to "
                "take another one."
            )
    else:
        if block not in keys:
            raise _fail(
                path,
                f"has no data block {block!r}; it holds {listing}.",
                "Pass one of these as block=, or block=None for the default "
                "(absorbance where there is one).",
            )
        chosen = block
    data = getattr(opus, chosen)
    try:
        x = np.asarray(data.x, dtype=np.float64)
        y = np.asarray(data.y)
        dxu = _opus_param(data.params, "dxu")
        when = getattr(data.params, "datetime", None)
    except Exception as exc:  # noqa: BLE001
        raise _fail(
            path,
            f"block {chosen!r} could not be read by brukeropus "
            f"({type(exc).__name__}: {exc}); the file may be corrupt.",
            "Export it again from OPUS, or pick another block=.",
        ) from exc
    Y = y.reshape(1, -1) if y.ndim == 1 else y.reshape(-1, y.shape[-1])
    if x.size == 0 or Y.shape[1] != x.size:
        raise _fail(
            path,
            f"block {chosen!r} has {Y.shape[1]} values for {x.size} axis points.",
            "The file is corrupt; export it again from OPUS.",
        )
    unit, axis_kind = _OPUS_UNIT.get(str(dxu), (str(dxu).lower(), "unknown"))
    if chosen == "ra" and unit == "cm-1":
        axis_kind = "raman_shift"
    params = opus.params
    meta = {
        "format": "opus",
        "reader": f"brukeropus {_version('brukeropus')}",
        "block": chosen,
        "block_label": label(chosen),
        "blocks": keys,
        "instrument": _text(_opus_param(params, "ins")),
        "date": _iso(when),
        "sample_name": _text(_opus_param(params, "snm")),
        "sample_form": _text(_opus_param(params, "sfm")),
        "operator": _text(_opus_param(params, "cnm")),
    }
    return _Parsed(
        x, Y, unit, axis_kind, _OPUS_KIND.get(chosen, "unknown"), meta,
        choice_note=note, messages=messages,
    )  # fmt: skip


# ------------------------------------------------------------------ JCAMP

_JCAMP_X = {
    "1/CM": "cm-1",
    "CM-1": "cm-1",
    "NANOMETERS": "nm",
    "NM": "nm",
    "MICROMETERS": "um",
    "MICRONS": "um",
    "UM": "um",
    "HZ": "Hz",
    "M/Z": "m/z",
    "SECONDS": "s",
}
_JCAMP_Y = (
    ("ABSORBANCE", "absorbance"),
    ("TRANSMITTANCE", "transmittance"),
    ("%T", "transmittance"),
    ("REFLECTANCE", "reflectance"),
    ("KUBELKA", "kubelka_munk"),
    ("LOG(1/R)", "log_1_over_r"),
    ("COUNTS", "counts"),
    ("ARBITRARY", "arbitrary"),
)
_AXIS_OF_UNIT = {
    "cm-1": "wavenumber",
    "nm": "wavelength",
    "um": "wavelength",
    "Hz": "frequency",
    "m/z": "mass_to_charge",
    "s": "time",
    "min": "time",
    "points": "points",
}


def _jcamp_kind(yunits) -> str:
    u = str(yunits or "").upper()
    return next((kind for key, kind in _JCAMP_Y if key in u), "unknown")


def _read_jcamp(path: Path, head: bytes, block):
    jc = _import_reader("jcamp", path)
    if b"\x00" in head:
        raise _fail(
            path,
            f"is a binary file, not a text JCAMP-DX file.{describe_unknown(head)}",
            "Pass the file with its own format.",
        )
    messages: list[str] = []
    try:
        with _quiet(messages):
            d = jc.readfile(str(path))
    except Exception as exc:  # noqa: BLE001 - jcamp raises plain Exceptions
        hint = (
            " Inline '$$' comments inside the data lines are not understood by "
            "jcamp; delete them."
            if "$" in str(exc)
            else ""
        )
        raise _fail(
            path,
            f"could not be parsed as JCAMP-DX: jcamp failed with "
            f"{type(exc).__name__}: {exc}.{hint}",
            "Export the spectrum again as plain JCAMP-DX (XYDATA=(X++(Y..Y))).",
        ) from exc
    if d.get("children"):
        raise _fail(
            path,
            f"is a compound JCAMP-DX file (##BLOCKS, {len(d['children'])} "
            "blocks); sklspec.io reads one spectrum per JCAMP-DX file.",
            "Split it into one file per block.",
        )
    x = np.asarray(d.get("x", []), dtype=np.float64).ravel()
    y = np.asarray(d.get("y", []), dtype=np.float64).ravel()
    if y.size == 0:
        text = path.read_text(encoding="latin-1", errors="replace")
        lines = text.splitlines()
        if any(
            ln.lstrip().startswith("##") and not ln.startswith("##") for ln in lines
        ):
            problem = (
                "gives 0 points: its header lines are indented (' ##TITLE=...'), "
                "and jcamp only recognises lines that start with '##'."
            )
            fix = (
                "Remove the leading spaces of every line (and any inline '$$' "
                "comments) and read it again."
            )
        elif "##NTUPLES" in text.upper():
            problem = (
                "gives 0 points: it is an NTUPLES file, which jcamp does not read."
            )
            fix = "Export the spectrum as XYDATA instead."
        else:
            problem = "gives 0 points: jcamp found no ##XYDATA or ##PEAK TABLE in it."
            fix = "Check that it is a JCAMP-DX spectrum; export it again."
        raise _fail(path, problem, fix)
    if x.size != y.size:
        said = f" jcamp reported: {' | '.join(messages)}" if messages else ""
        raise _fail(
            path,
            f"is inconsistent: jcamp read {x.size} x values but {y.size} y values "
            f"(header NPOINTS={d.get('npoints')}).{said}",
            "The data lines are damaged or use a compression jcamp misreads; "
            "export the spectrum again.",
        )
    unit_raw = d.get("xunits")
    unit = _JCAMP_X.get(str(unit_raw or "").strip().upper(), "unknown")
    data_type = d.get("data type") or d.get("datatype")
    axis_kind = _AXIS_OF_UNIT.get(unit, "unknown")
    if unit == "cm-1" and "RAMAN" in str(data_type or "").upper():
        axis_kind = "raman_shift"
    date = " ".join(
        str(d[k]).strip() for k in ("date", "time") if str(d.get(k, "")).strip()
    )
    meta = {
        "format": "jcamp",
        "reader": f"jcamp {_version('jcamp')}",
        "block": None,
        "instrument": _text(d.get("spectrometer/data system")),
        "date": _text(d.get("longdate")) or _text(date),
        "sample_name": _text(d.get("title")),
        "title": _text(d.get("title")),
        "data_type": _text(data_type),
        "origin": _text(d.get("origin")),
        "owner": _text(d.get("owner")),
        "x_unit_raw": _text(unit_raw),
        "y_unit_raw": _text(d.get("yunits")),
    }
    return _Parsed(
        x, y.reshape(1, -1), unit, axis_kind, _jcamp_kind(d.get("yunits")), meta,
        messages=messages,
    )  # fmt: skip


# -------------------------------------------------------------------- SPC

_SPC_X = {
    "XWAVEN": ("cm-1", "wavenumber"),
    "XRAMANS": ("cm-1", "raman_shift"),
    "XNMETR": ("nm", "wavelength"),
    "XUMETR": ("um", "wavelength"),
    "XMUNITS": ("m/z", "mass_to_charge"),
    "XHERTZ": ("Hz", "frequency"),
    "XSECS": ("s", "time"),
    "XMINUTS": ("min", "time"),
    "XPOINT": ("points", "points"),
    "XARB": ("arbitrary", "arbitrary"),
}
_SPC_Y = {
    "YARB": "arbitrary",
    "YABSRB": "absorbance",
    "YTRANS": "transmittance",
    "YREFLEC": "reflectance",
    "YCOUNT": "counts",
    "YKMONK": "kubelka_munk",
    "YLOGDR": "log_1_over_r",
    "YIGRAM": "interferogram",
    "YEMISN": "emission",
    "YINTENS": "intensity",
    "YRELINT": "relative_intensity",
}


def _read_spc(path: Path, head: bytes, block):
    spc_io = _import_reader("spc", path)
    version = head[1] if len(head) > 1 else None
    if version == 0x4D:
        raise _fail(
            path,
            "is an old-format (0x4D) SPC file, which spc-io does not read.",
            "Save it again as a new-format SPC (GRAMS, OMNIC or your instrument "
            "software).",
        )
    if version == 0x4C:
        raise _fail(
            path,
            "is a big-endian (0x4C) SPC file, which spc-io does not read.",
            "Save it again as a new-format little-endian SPC.",
        )
    if version != 0x4B:
        raise _fail(
            path,
            "is not a Galactic/Thermo SPC file (byte 2 is "
            f"{'missing' if version is None else hex(version)}, not the SPC "
            f"version 0x4b).{describe_unknown(head)}",
            "Pass the file with its own format.",
        )
    from spc_io.low_level.spc_raw import SpcRaw

    messages: list[str] = []
    try:
        with _quiet(messages, ["spc_io"]), open(path, "rb") as fh:
            raw = SpcRaw.from_bytes_io(bytes_io=fh)
            spc = spc_io.SPC.from_spc_raw(raw)
            subs = list(spc)
            xs = [np.asarray(s.xarray, dtype=np.float64) for s in subs]
            ys = [np.asarray(s.yarray) for s in subs]
            zs = [s.z for s in subs]
    except Exception as exc:  # noqa: BLE001 - spc-io raises NotImplementedError...
        raise _fail(
            path,
            f"could not be parsed as SPC ({_sizes(path)}): spc-io failed with "
            f"{type(exc).__name__}: {exc}. The file is truncated, corrupt or uses "
            "an SPC variant spc-io does not support.",
            "Save it again as a plain new-format SPC.",
        ) from exc
    if not subs or any(y.size == 0 for y in ys):
        raise _fail(
            path, "holds no spectrum (spc-io read 0 points).", "Export it again."
        )
    lengths = sorted({x.size for x in xs})
    same_axis = len(lengths) == 1 and all(
        np.allclose(x, xs[0], rtol=1e-9, atol=0.0) for x in xs[1:]
    )
    if not same_axis:
        raise _fail(
            path,
            f"holds {len(subs)} spectra, each on its own x axis "
            f"({lengths[0]}-{lengths[-1]} points; an XYXY multifile, e.g. a "
            "mass-spectrometry run), so they do not make one table of spectra.",
            "Read the subfiles with spc_io.SPC directly and put them on one axis "
            "with sklspec.preprocessing.Resample.",
        )
    if any(y.size != xs[0].size for y in ys):
        raise _fail(
            path, "has subfiles whose x and y lengths differ.", "Export it again."
        )
    hdr = raw.main_header
    fdate_epoch = any("ValueError" in m for m in messages)
    unit, axis_kind = _SPC_X.get(str(spc.xtype), (str(spc.xtype).lower(), "unknown"))
    meta = {
        "format": "spc",
        "reader": f"spc-io {_version('spc-io')}",
        "block": None,
        "instrument": _text(getattr(hdr, "fsource", None)),
        "date": None if fdate_epoch else _iso(spc.date),
        "sample_name": None,
        "comment": _text(getattr(hdr, "fcmnt", None)),
        "axis_labels": _text(getattr(hdr, "fcatxt", None)),
        "experiment": _text(_enum_name(getattr(hdr, "fexper", None))),
        "x_unit_raw": str(spc.xtype),
        "y_unit_raw": str(spc.ytype),
    }
    per = (
        [{"z": None if z is None else float(z)} for z in zs] if len(subs) > 1 else None
    )
    return _Parsed(
        xs[0], np.vstack(ys), unit, axis_kind, _SPC_Y.get(str(spc.ytype), "unknown"),
        meta, per_spectrum=per, messages=messages,
    )  # fmt: skip


# -------------------------------------------------------------------- ASD

_ASD_QUANTITIES = ("reflectance", "radiance", "digital_number")


def _read_asd(path: Path, head: bytes, block):
    asd = _import_reader("asd", path)
    if not _ASD_MAGIC.match(head):
        raise _fail(
            path,
            "is not an ASD FieldSpec file (it does not start with 'ASD' or "
            f"'as<version>').{describe_unknown(head)}",
            "Pass the file with its own format.",
        )
    if block is not None and block not in _ASD_QUANTITIES:
        raise _fail(
            path,
            f"has no quantity {block!r}: for ASD files block= is one of "
            f"{', '.join(map(repr, _ASD_QUANTITIES))}.",
            "Pass one of these, or block=None for the file's own data type.",
        )
    messages: list[str] = []
    with _quiet(messages, ["pyASDReader"]):
        try:
            f = asd.ASDFile(str(path))
            ok = f.metadata is not None and f.spectrumData is not None
            values = {}
            if ok:
                dtype = _enum_name(f.metadata.dataType)
                wanted = block
                if wanted is None:
                    wanted = {"dt_REF_TYPE": "reflectance", "dt_RAD_TYPE": "radiance"}
                    wanted = wanted.get(dtype, "digital_number")
                for q in dict.fromkeys((wanted, "digital_number")):
                    v = f.reflectance if q == "reflectance" else (
                        f.radiance if q == "radiance" else f.digitalNumber
                    )  # fmt: skip
                    values[q] = None if v is None else np.asarray(v, dtype=np.float64)
                x = np.asarray(f.wavelengths, dtype=np.float64)
        except Exception as exc:  # noqa: BLE001
            raise _fail(
                path,
                f"could not be parsed as ASD ({_sizes(path)}): pyASDReader failed "
                f"with {type(exc).__name__}: {exc}.",
                "The file is truncated or corrupt; copy or export it again.",
            ) from exc
    if not ok:
        raise _fail(
            path,
            f"could not be parsed as ASD ({_sizes(path)}): pyASDReader found no "
            "valid ASD header or spectrum (file version "
            f"{_enum_name(getattr(f, 'asdFileVersion', None))}); the file is "
            "truncated or corrupt.",
            "Copy it again from the instrument.",
        )
    note = None
    taken = wanted
    if values.get(wanted) is None:
        if block is not None:
            raise _fail(
                path,
                f"has no {block} (data type {dtype}; pyASDReader computes "
                "reflectance only for dt_REF_TYPE files and radiance only with "
                "calibration data).",
                "Pass block='digital_number' for the raw counts.",
            )
        taken = "digital_number"
        note = (
            f"took the raw digital numbers: the file's data type is {dtype}, but "
            f"pyASDReader could not compute its {wanted}."
        )
    y = values[taken]
    if y is None or y.size == 0 or y.size != x.size:
        raise _fail(
            path,
            f"has {0 if y is None else y.size} values for {x.size} wavelengths.",
            "The file is corrupt; copy it again.",
        )
    m = f.metadata
    serial = getattr(m, "instrumentNum", None)
    itype = _enum_name(getattr(m, "instrument", None))
    meta = {
        "format": "asd",
        "reader": f"pyASDReader {_version('pyASDReader')}",
        "block": taken,
        "blocks": [q for q, v in values.items() if v is not None],
        "instrument": None
        if itype is None
        else f"ASD {itype}" + ("" if serial is None else f" #{serial}"),
        "date": _iso(getattr(m, "when_datetime", None)),
        "sample_name": _text(getattr(m, "comments", None)),
        "asd_file_version": _enum_name(f.asdFileVersion),
        "asd_data_type": dtype,
        "integration_time_ms": getattr(m, "intergrationTime_ms", None),
        "splice_nm": [
            getattr(m, "splice1_wavelength", None),
            getattr(m, "splice2_wavelength", None),
        ],
    }
    return _Parsed(
        x, y.reshape(1, -1), "nm", "wavelength", taken, meta,
        choice_note=note, messages=messages,
    )  # fmt: skip


# -------------------------------------------------------------------- WDF

_WDF_X = {
    "RamanShift": ("cm-1", "raman_shift"),
    "Wavenumber": ("cm-1", "wavenumber"),
    "Nanometre": ("nm", "wavelength"),
    "Micron": ("um", "wavelength"),
    "ElectronVolt": ("eV", "energy"),
    "Pixels": ("points", "points"),
    "Arbitrary": ("arbitrary", "arbitrary"),
}
_WDF_Y = {
    "Counts": "counts",
    "Intensity": "intensity",
    "RelativeIntensity": "relative_intensity",
    "Arbitrary": "arbitrary",
}


def _read_wdf(path: Path, head: bytes, block):
    wire = _import_reader("wdf", path)
    if not head.startswith(b"WDF1"):
        raise _fail(
            path,
            "is not a Renishaw WiRE .wdf file (it does not start with 'WDF1')."
            + describe_unknown(head),
            "Pass the file with its own format.",
        )
    messages: list[str] = []
    reader = wire.WDFReader.__new__(wire.WDFReader)
    try:
        with _quiet(messages, ["renishawWiRE"]):
            reader.__init__(str(path))
            spectra = np.asarray(reader.spectra)
            x = np.asarray(reader.xdata, dtype=np.float64).ravel()
    except Exception as exc:  # noqa: BLE001 - AttributeError / OSError on junk
        raise _fail(
            path,
            f"could not be parsed as Renishaw WDF ({_sizes(path)}): renishawWiRE "
            f"failed with {type(exc).__name__}: {exc}. The file is truncated or "
            "corrupt.",
            "Copy it again, or save it again from WiRE.",
        ) from exc
    finally:
        fh = getattr(reader, "file_obj", None)
        if fh is not None:
            fh.close()
    if spectra.size == 0 or x.size == 0:
        raise _fail(path, "holds no spectrum.", "Save it again from WiRE.")
    Y = spectra.reshape(-1, spectra.shape[-1])
    if Y.shape[1] != x.size:
        raise _fail(
            path,
            f"has spectra of {Y.shape[1]} points on an axis of {x.size}.",
            "The file is corrupt; save it again from WiRE.",
        )
    xu = _enum_name(reader.xlist_unit)
    unit, axis_kind = _WDF_X.get(xu, (str(xu).lower(), "unknown"))
    laser = getattr(reader, "laser_length", None)
    laser = None if laser is None or not np.isfinite(laser) else float(laser)
    version = getattr(reader, "application_version", None) or []
    app = " ".join(
        s
        for s in (
            _text(getattr(reader, "application_name", None)),
            ".".join(str(v) for v in version if v is not None),
        )
        if s and s != "0.0.0.0"
    )
    meta = {
        "format": "wdf",
        "reader": f"renishawWiRE {_version('renishawWiRE')}",
        "block": None,
        "instrument": None,
        "date": None,
        "sample_name": None,
        "title": _text(getattr(reader, "title", None)),
        "operator": _text(getattr(reader, "username", None)),
        "application": app or None,
        "laser_wavelength_nm": laser,
        "measurement_type": _enum_name(getattr(reader, "measurement_type", None)),
        "scan_type": _enum_name(getattr(reader, "scan_type", None)),
        "accumulation_count": getattr(reader, "accumulation_count", None),
        "x_unit_raw": xu,
        "y_unit_raw": _enum_name(reader.spectral_unit),
    }
    per = None
    if Y.shape[0] > 1:
        xpos = np.ravel(getattr(reader, "xpos", []))
        ypos = np.ravel(getattr(reader, "ypos", []))
        if xpos.size == Y.shape[0] and ypos.size == Y.shape[0]:
            per = [
                {"x_position": float(a), "y_position": float(b)}
                for a, b in zip(xpos, ypos, strict=True)
            ]
    kind = _WDF_Y.get(_enum_name(reader.spectral_unit), "unknown")
    return _Parsed(
        x, Y, unit, axis_kind, kind, meta, per_spectrum=per, messages=messages
    )


READERS = {
    "opus": _read_opus,
    "jcamp": _read_jcamp,
    "spc": _read_spc,
    "asd": _read_asd,
    "wdf": _read_wdf,
}
