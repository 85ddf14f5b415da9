"""Warnings that point at the user's line."""

import os
import sys


def _package_dir(name):
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    return None if path is None else os.path.dirname(os.path.abspath(path)) + os.sep


def external_stacklevel():
    """``stacklevel`` for :func:`warnings.warn` that points at the caller's line.

    Call it inside the ``warnings.warn(...)`` call: it counts the frames from
    the function that warns up to the first frame outside this package and the
    libraries it is called through (scikit-learn, imbalanced-learn, joblib,
    SciPy), so the warning names the line of user code (or test) that called
    ``fit``, ``fit_resample`` or ``predict``, however deep the package's own
    calls go and whether or not a scikit-learn Pipeline or search is in
    between.

    Returns
    -------
    stacklevel : int
        1 is the function calling ``warnings.warn``.
    """
    names = ("sklearn_datacentric", "sklearn", "imblearn", "joblib", "scipy")
    internal = tuple(d for d in map(_package_dir, names) if d is not None)
    frame = sys._getframe(1)  # the function that warns
    level = 1
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith(internal):
            return level
        frame = frame.f_back
        level += 1
    return 1  # no frame outside the package: a worker process; warn here
