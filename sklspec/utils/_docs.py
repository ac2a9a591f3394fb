"""Docstring fragments shared by several classes, written once.

A docstring line holding only ``{name}`` (at any indentation) is replaced
with the fragment ``name``, indented like the line, so that ``help(cls)``
and the API reference read each class's full text.
"""

from __future__ import annotations

import re
import textwrap

_PLACEHOLDER = re.compile(r"^( *)\{(\w+)\}\n", re.MULTILINE)


def fill_doc(doc: str | None, fragments: dict[str, str]) -> str | None:
    """Replace the placeholder lines of ``doc`` with their fragments.

    Parameters
    ----------
    doc : str or None
        A docstring; None (docstrings stripped with ``python -OO``) is
        returned as is.
    fragments : dict of str to str
        Fragment text by placeholder name, without indentation, one or more
        whole lines. Placeholders of other names are left as they are.

    Returns
    -------
    doc : str or None
        The docstring with the fragments substituted.

    Examples
    --------
    >>> doc = "Parameters\\n    ----------\\n    {x}\\n"
    >>> print(fill_doc(doc, {"x": "x : int\\n    A number.\\n"}), end="")
    Parameters
        ----------
        x : int
            A number.
    """
    if not doc:
        return doc

    def substitute(match: re.Match) -> str:
        indent, name = match.groups()
        if name not in fragments:
            return match.group(0)
        return textwrap.indent(fragments[name], indent)

    return _PLACEHOLDER.sub(substitute, doc)
