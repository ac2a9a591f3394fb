"""Sphinx configuration of the sklspec documentation.

Build with ``make docs`` (warnings are errors). No network is needed: no
intersphinx, the built-in ``alabaster`` theme.
"""

from __future__ import annotations

import os
import sys
from datetime import date

# The docs build imports the package from the working tree (it is also
# installed editable by ``make install``).
sys.path.insert(0, os.path.abspath(".."))

import sklspec  # noqa: E402

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
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
# Single back-quotes (`X`) are parameter names in numpydoc docstrings.
default_role = "literal"
pygments_style = "sphinx"

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

# -- HTML --------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"sklspec {release}"
html_static_path = []
html_theme_options = {
    "description": "scikit-learn compatible self-supervised learning for spectra",
    "fixed_sidebar": True,
    "show_relbars": True,
}
html_sidebars = {
    "**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]
}
