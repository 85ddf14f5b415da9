"""pandas detection through scikit-learn's own helpers (no pandas import)."""

try:  # scikit-learn >= 1.8
    from sklearn.utils._dataframe import is_pandas_df
except ImportError:  # pragma: no cover - scikit-learn 1.6 and 1.7
    from sklearn.utils.validation import _is_pandas_df as is_pandas_df

__all__ = ["is_pandas_df"]
