"""Private helpers shared by the bundled-data loaders."""

import os
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
DESCR_MODULE = "sklearn_datacentric.datasets.descr"


def load_descr(descr_file_name, *, descr_module=DESCR_MODULE):
    """Text of a dataset description, ``descr/<descr_file_name>``.

    The descriptions are reStructuredText files shipped as package data and
    read with :mod:`importlib.resources`, so they are found in a source
    checkout, an installed wheel or a zip import alike.

    Parameters
    ----------
    descr_file_name : str
        File name inside ``descr_module``, e.g. ``"haberman.rst"``.
    descr_module : str, default="sklearn_datacentric.datasets.descr"
        Package holding the description files.

    Returns
    -------
    fdescr : str
        Content of the file.
    """
    path = resources.files(descr_module) / descr_file_name
    return path.read_text(encoding="utf-8")


def _data_path(filename):
    """Absolute path of a bundled data file."""
    return os.path.join(DATA_DIR, filename)


def _read_csv(filename):
    """Read a bundled (optionally gzip-compressed) CSV file."""
    path = _data_path(filename)
    if not os.path.exists(path):  # pragma: no cover - packaging error
        raise FileNotFoundError(
            f"Bundled data file {filename!r} not found in {DATA_DIR}. The "
            "package data of sklearn_datacentric.datasets seems to be missing."
        )
    return pd.read_csv(path)


def _make_bunch(
    df,
    target_column,
    *,
    descr,
    as_frame,
    return_X_y,
    task,
    target_names=None,
    target_dtype=None,
):
    """Split a data frame into a scikit-learn style ``Bunch``.

    Parameters
    ----------
    df : pandas.DataFrame
        Features and target.
    target_column : str
        Name of the target column in ``df``.
    descr : str
        Full description of the dataset.
    as_frame : bool
        Return pandas objects instead of NumPy arrays.
    return_X_y : bool
        Return ``(data, target)`` instead of a Bunch.
    task : {"classification", "regression"}
        Kind of supervised task, decides the dtype of the target.
    target_names : array-like of str, default=None
        Names of the classes (classification only).
    target_dtype : dtype, default=None
        Overrides the default target dtype (int64 for classification,
        float64 for regression).
    """
    feature_names = [c for c in df.columns if c != target_column]
    if target_dtype is None:
        target_dtype = np.int64 if task == "classification" else np.float64
    X_frame = df[feature_names].astype(np.float64)
    y_series = df[target_column].astype(target_dtype)

    if as_frame:
        data, target = X_frame, y_series
        frame = pd.concat([X_frame, y_series], axis=1)
    else:
        data = X_frame.to_numpy(dtype=np.float64)
        target = y_series.to_numpy()
        frame = None

    if return_X_y:
        return data, target

    bunch = Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=list(feature_names),
        target_name=target_column,
        DESCR=descr,
    )
    if target_names is not None:
        bunch["target_names"] = np.asarray(target_names)
    return bunch
