"""Plot where an oversampler puts its synthetic points."""

import numpy as np

from ...utils import import_optional

__all__ = ["SyntheticPointsDisplay"]


def _to_2d(X, features):
    """Projection of rows on two axes, and the names of the axes.

    ``features`` is ``"pca"`` (the first two principal axes of ``X``; the two
    columns themselves when ``X`` has only two) or two columns, given by
    position or, when ``X`` is a DataFrame, by name.  The axes are named
    after the DataFrame's columns when it has them.
    """
    columns = getattr(X, "columns", None)
    names = None if columns is None else [str(c) for c in columns]
    X = np.asarray(X, dtype=np.float64)
    if isinstance(features, str) and features == "pca" and X.shape[1] > 2:
        mean = X.mean(axis=0)
        _, _, vt = np.linalg.svd(X - mean, full_matrices=False)
        return lambda Z: (np.asarray(Z, dtype=np.float64) - mean) @ vt[:2].T, (
            "PC 1",
            "PC 2",
        )
    if isinstance(features, str) and features == "pca":
        features = (0, 1)
    if isinstance(features, str) or len(features) != 2:
        raise ValueError(f'features must be "pca" or two columns, got {features!r}.')
    cols = []
    for f in features:
        if isinstance(f, str):
            if names is None or f not in names:
                raise ValueError(
                    f"features names a column {f!r} that X does not have "
                    "(column names need a DataFrame X)."
                )
            cols.append(names.index(f))
        elif -X.shape[1] <= f < X.shape[1]:
            cols.append(int(f) % X.shape[1])
        else:
            raise ValueError(f"feature {f} out of range for {X.shape[1]} columns.")
    i, j = cols
    labels = (names[i], names[j]) if names else (f"feature {i}", f"feature {j}")
    return lambda Z: np.asarray(Z, dtype=np.float64)[:, [i, j]], labels


class SyntheticPointsDisplay:
    """Original and synthetic points of an oversampler, in two dimensions.

    Build it with :meth:`from_estimator` (runs ``fit_resample``) or
    :meth:`from_resampled` (from outputs you already have): as scikit-learn's
    displays, both draw the plot and return the display; :meth:`plot` draws
    it again (on other axes, with other markers).  The axes are named after
    the columns shown (a DataFrame's column names, ``"feature i"`` for an
    array, ``"PC 1"`` and ``"PC 2"`` for ``features="pca"``).  Synthetic rows are the output rows whose
    ``provenance_.synthetic`` flag is set; with ``show_parents=True`` a thin
    segment joins each synthetic point to its seed (and partner).

    Parameters
    ----------
    X_original : ndarray of shape (n_samples, 2)
        Projected original points (output rows that are not synthetic).
    y_original : ndarray of shape (n_samples,)
        Their labels.
    X_synthetic : ndarray of shape (n_synthetic, 2)
        Projected synthetic points.
    y_synthetic : ndarray of shape (n_synthetic,)
        Their labels.
    seeds : ndarray of shape (n_synthetic, 2) or None
        Projected seed row of each synthetic point (NaN where none).
    partners : ndarray of shape (n_synthetic, 2) or None
        Projected partner row of each synthetic point (NaN where none).
    axis_labels : tuple of str, default=("feature 0", "feature 1")
        Names of the horizontal and vertical axes.
    name : str, default=None
        Title of the plot (the sampler's class name by default).

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes of the last :meth:`plot`.
    figure_ : matplotlib Figure
        Figure of the last :meth:`plot`.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.over_sampling import (
    ...     ProWSyn, SyntheticPointsDisplay)
    >>> X, y = make_classification(n_samples=100, n_features=2, n_redundant=0,
    ...                            weights=[0.9], random_state=0)
    >>> disp = SyntheticPointsDisplay.from_estimator(ProWSyn(random_state=0), X, y)
    >>> disp.X_synthetic.shape[0] > 0
    True
    """

    def __init__(
        self,
        X_original,
        y_original,
        X_synthetic,
        y_synthetic,
        *,
        seeds=None,
        partners=None,
        axis_labels=("feature 0", "feature 1"),
        name=None,
    ):
        self.X_original = X_original
        self.y_original = y_original
        self.X_synthetic = X_synthetic
        self.y_synthetic = y_synthetic
        self.seeds = seeds
        self.partners = partners
        self.axis_labels = axis_labels
        self.name = name

    @classmethod
    def from_resampled(
        cls,
        X,
        X_resampled,
        y_resampled,
        provenance,
        *,
        features=(0, 1),
        name=None,
        ax=None,
        show_parents=False,
    ):
        """Plot the output of ``fit_resample`` and return the display.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input given to ``fit_resample`` (for the parents).
        X_resampled : array-like of shape (n_output, n_features)
            Its output rows.
        y_resampled : array-like of shape (n_output,)
            Its output labels.
        provenance : :class:`~sklearn_datacentric.base.Provenance`
            The sampler's ``provenance_``.
        features : (int or str, int or str) or "pca", default=(0, 1)
            The two columns to show (positions, or names of the columns of a
            DataFrame ``X``), or the first two principal axes of ``X``.
        name : str, default=None
            Title of the plot.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        show_parents : bool, default=False
            Draw segments from synthetic points to their parents.

        Returns
        -------
        display : SyntheticPointsDisplay
            The display, drawn (``ax_`` and ``figure_`` set).
        """
        project, labels = _to_2d(X, features)  # before X loses its columns
        X = np.asarray(X, dtype=np.float64)
        Xr = np.asarray(X_resampled, dtype=np.float64)
        yr = np.asarray(y_resampled)
        if Xr.shape[0] != provenance.n_output:
            raise ValueError(
                "X_resampled and provenance do not match: "
                f"{Xr.shape[0]} rows against {provenance.n_output}."
            )
        syn = provenance.synthetic

        def parents(idx):
            out = np.full((idx.shape[0], 2), np.nan)
            ok = idx >= 0
            if ok.any():
                out[ok] = project(X[idx[ok]])
            return out

        disp = cls(
            project(Xr[~syn]),
            yr[~syn],
            project(Xr[syn]),
            yr[syn],
            seeds=parents(provenance.seed[syn]) if show_parents else None,
            partners=parents(provenance.partner[syn]) if show_parents else None,
            axis_labels=labels,
            name=name,
        )
        return disp.plot(ax=ax)

    @classmethod
    def from_estimator(
        cls,
        sampler,
        X,
        y,
        *,
        features=(0, 1),
        ax=None,
        show_parents=False,
        name=None,
    ):
        """Run ``sampler.fit_resample(X, y)``, plot, and return the display.

        Parameters
        ----------
        sampler : sampler with ``provenance_`` after ``fit_resample``
            An over-sampler of this package (unfitted or fitted: it is
            refitted).
        X : array-like of shape (n_samples, n_features)
            Input of ``fit_resample``.
        y : array-like of shape (n_samples,)
            Class labels.
        features : (int or str, int or str) or "pca", default=(0, 1)
            The two columns to show (positions, or names of the columns of a
            DataFrame ``X``), or the first two principal axes of ``X``.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        show_parents : bool, default=False
            Draw segments from synthetic points to their parents.
        name : str, default=None
            Title (the sampler's class name by default).

        Returns
        -------
        display : SyntheticPointsDisplay
            The display, drawn (``ax_`` and ``figure_`` set).
        """
        X_res, y_res = sampler.fit_resample(X, y)
        if not hasattr(sampler, "provenance_"):
            raise TypeError(
                f"{type(sampler).__name__} records no provenance_; use a "
                "sampler of sklearn_datacentric."
            )
        return cls.from_resampled(
            X,
            X_res,
            y_res,
            sampler.provenance_,
            features=features,
            name=name or type(sampler).__name__,
            ax=ax,
            show_parents=show_parents,
        )

    def plot(self, ax=None, *, synthetic_marker="x", alpha=0.6):
        """Plot the points.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            New figure and axes when None.
        synthetic_marker : str, default="x"
            Matplotlib marker of the synthetic points.
        alpha : float, default=0.6
            Opacity of the original points.

        Returns
        -------
        self : SyntheticPointsDisplay
            The display, with ``ax_`` and ``figure_`` set.
        """
        plt = import_optional(
            "matplotlib.pyplot",
            extra="plot",
            purpose="by SyntheticPointsDisplay",
        )
        if ax is None:
            _, ax = plt.subplots()
        classes = np.unique(np.concatenate([self.y_original, self.y_synthetic]))
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for k, c in enumerate(classes):
            col = colors[k % len(colors)]
            o = self.y_original == c
            ax.scatter(
                *self.X_original[o].T,
                s=14,
                color=col,
                alpha=alpha,
                edgecolors="k",
                linewidths=0.3,
                zorder=3,
                label=f"class {c}",
            )
            s = self.y_synthetic == c
            if s.any():
                ax.scatter(
                    *self.X_synthetic[s].T,
                    s=18,
                    color=col,
                    marker=synthetic_marker,
                    label=f"synthetic {c}",
                )
        if self.seeds is not None:
            for P in (self.seeds, self.partners):
                if P is None:
                    continue
                ok = ~np.isnan(P[:, 0])
                segs = np.stack([P[ok], self.X_synthetic[ok]], axis=1)
                for seg in segs:
                    ax.plot(seg[:, 0], seg[:, 1], color="0.6", lw=0.4, zorder=0)
        ax.set_xlabel(self.axis_labels[0])
        ax.set_ylabel(self.axis_labels[1])
        if self.name:
            ax.set_title(self.name)
        ax.legend(fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self
