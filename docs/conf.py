"""Sphinx configuration of the sklspec documentation.

Build with ``make docs`` (warnings are errors). No network is needed: no
intersphinx; the theme (pydata-sphinx-theme), sphinx-gallery and myst-parser
come with the ``docs`` extra.

The gallery executes the scripts of ``examples/`` (at the top of the
repository, the sphinx-gallery convention) at build time, on the real data
sets of ``SKLSPEC_DATA`` (default ``../shared/data`` beside the repository).
They live outside ``docs/`` because they are programs, not prose: a user
runs them from a clone (``python examples/plot_look_at_spectra.py``) and
``make lint`` checks them like the package.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# The docs build imports the package from the working tree (it is also
# installed editable by ``make install``).
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS))  # _gallery_order, the gallery's sort key

import sklspec  # noqa: E402

# -- The real data sets ------------------------------------------------------
# sphinx-gallery runs each example with the examples folder as working
# directory, where the package's own default (../shared/data relative to the
# working directory) would point inside the repository: name the folder here.
os.environ.setdefault("SKLSPEC_DATA", str(ROOT.parent / "shared" / "data"))
if not (Path(os.environ["SKLSPEC_DATA"]) / "tablets_nir").is_dir():
    raise RuntimeError(
        "The gallery examples run on the real data sets, and none were found in "
        f"SKLSPEC_DATA={os.environ['SKLSPEC_DATA']!r}. Set SKLSPEC_DATA to the "
        "folder that holds tablets_nir/, corn/, ... (in CI: ../shared/data "
        "beside the repository), or build without the gallery: "
        "sphinx-build -D plot_gallery=0 -b html docs docs/_build/html"
    )
# Examples run on one thread, as on a busy 2-core machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# -- Project -----------------------------------------------------------------
project = "sklspec"
author = "The sklspec developers"
copyright = f"{date.today().year}, {author}"
release = sklspec.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.md5",
    "auto_examples/*.codeobj.json",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# Single back-quotes (`X`) are parameter names in numpydoc docstrings.
default_role = "literal"
pygments_style = "sphinx"
pygments_dark_style = "monokai"

# -- autodoc / autosummary ---------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc documents the types
autodoc_member_order = "bysource"

# -- numpydoc ----------------------------------------------------------------
# Members are listed by the autosummary class template, not by numpydoc
# (which would create duplicate stub tables).
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- sphinx-gallery ----------------------------------------------------------
# Every example runs at build time. An example whose source has not changed
# since the last build is not run again (sphinx-gallery keeps an md5 of each
# script beside its output in docs/auto_examples), so a rebuild after a
# docstring edit takes seconds; ``make docs-clean`` forces a full run.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": str(DOCS / "auto_examples"),
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py|/_",
    # from looking at spectra to trusting a prediction (docs/_gallery_order.py)
    "within_subsection_order": "_gallery_order.ExampleOrder",
    # "Examples using X" on the API page of every sklspec name an example uses
    # (the autosummary templates include the mini-gallery).
    "doc_module": ("sklspec",),
    "backreferences_dir": str(DOCS / "api" / "generated" / "backreferences"),
    "reference_url": {"sklspec": None},
    "prefer_full_module": {r"sklspec\..*"},
    "run_stale_examples": False,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "thumbnail_size": (400, 280),
    "min_reported_time": 1,
    "show_memory": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "default_thumb_file": None,
    "capture_repr": ("_repr_html_", "__repr__"),
    "first_notebook_cell": None,
}

# -- myst-parser (the Markdown results files of the benchmarks) ---------------
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]


def _benchmark_pages() -> None:
    """One page per ``benchmarks/results/*.md``, including the file as it is.

    The results files are written by the benchmark scripts and never edited
    by hand; the pages only include them, so every results file (including a
    new one) is rendered without a copy that could go stale.
    """
    out = DOCS / "benchmarks_results"
    out.mkdir(exist_ok=True)
    wanted = {}
    for md in sorted((ROOT / "benchmarks" / "results").glob("*.md")):
        wanted[md.name] = (
            f"```{{include}} ../../benchmarks/results/{md.name}\n"
            "```\n\n"
            f"Regenerate this page with `python benchmarks/{_script(md.stem)}.py`; "
            "the Markdown file it writes is included here as it is.\n"
        )
    for old in out.glob("*.md"):
        if old.name not in wanted:
            old.unlink()
    for name, text in wanted.items():
        page = out / name
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")


def _script(stem: str) -> str:
    # pretrained_objectives.md is written by benchmarks/pretrained.py
    return "pretrained" if stem.startswith("pretrained") else stem


_benchmark_pages()

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklspec {release}"
html_static_path = ["_static"]
html_css_files = ["sklspec.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 7,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {
    "index": [],
    "install": [],
    "cli": [],
    "glossary": [],
}
html_context = {"default_mode": "light"}
