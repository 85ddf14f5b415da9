"""Sphinx configuration of the sklearn_datacentric documentation.

Builds offline: no intersphinx, no remote resources.
"""

import os
import sys
import warnings

sys.path.insert(0, os.path.abspath(".."))
os.environ.setdefault("MPLBACKEND", "Agg")

import sklearn_datacentric  # noqa: E402

project = "sklearn_datacentric"
author = "The sklearn_datacentric developers"
copyright = "2026, The sklearn_datacentric developers"
version = release = sklearn_datacentric.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
# offline: mathjax served from a CDN is only a browser-side reference
mathjax_path = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"

html_theme = "pydata_sphinx_theme"
html_theme_options = {"navigation_with_keys": False}
html_static_path = []

sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(__init__|_helpers)\.py",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sklearn_datacentric",),
    "reference_url": {"sklearn_datacentric": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
}

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is")
warnings.filterwarnings("ignore", category=FutureWarning, message=".*sklearn_tags.*")

_FOREIGN_ROLE = __import__("re").compile(r":(ref|term|doc):`([^`<]*?)\s*(<[^>]*>)?`")


def _strip_foreign_refs(app, what, name, obj, options, lines):
    """Docstrings inherited from scikit-learn / imbalanced-learn cross-reference
    labels of their own documentation, which this offline build does not
    have: render those references as plain text."""
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("sklearn_datacentric"):
        return
    if module.split(".")[0] == "torch":
        # torch's own docstrings are not valid reStructuredText for docutils
        lines[:] = [
            "Inherited from :class:`torch.nn.Module`; see the PyTorch documentation."
        ]
        return
    for i, line in enumerate(lines):
        lines[i] = _FOREIGN_ROLE.sub(lambda m: m.group(2) or m.group(3)[1:-1], line)


def setup(app):
    app.connect("autodoc-process-docstring", _strip_foreign_refs)
