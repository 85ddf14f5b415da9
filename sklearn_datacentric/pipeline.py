"""A Pipeline whose per-row metadata follows the rows through resampling.

:class:`Pipeline` is imbalanced-learn's pipeline (samplers act in ``fit``
only, every other step as in scikit-learn) with one addition: metadata given
per row of ``X`` (``sample_weight``, ``groups``, ``sample_domain``, any key a
step requests with ``set_fit_request``) is carried through every resampler
before it reaches the later steps, by the resampler's record of where each
output row comes from.  In imbalanced-learn's and scikit-learn's pipelines a
weighted final step after a resampler fails with a length mismatch
(imbalanced-learn issues #457, #772, #994).
"""

from imblearn import pipeline as _imb_pipeline
from imblearn.pipeline import _fit_resample_one, _fit_transform_one
from sklearn.base import clone
from sklearn.pipeline import _name_estimators
from sklearn.utils import _safe_indexing
from sklearn.utils._user_interface import _print_elapsed_time
from sklearn.utils.validation import _num_samples, check_memory

__all__ = ["Pipeline", "make_pipeline"]


def _is_per_row_candidate(value):
    """Whether a metadata value is an array of rows (vs a scalar, str, dict)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return False
    return hasattr(value, "shape") or isinstance(value, (list, tuple))


def carry_metadata(sampler, values, *, key, how=None, step=None):
    """Carry per-row values through a fitted resampler.

    Parameters
    ----------
    sampler : fitted resampler
        Either a resampler of this package (it records ``provenance_``) or an
        imbalanced-learn sampler that records ``sample_indices_`` (the
        under-samplers and cleaners).
    values : array-like of shape (n_input,) or (n_input, ...)
        One value per row given to the sampler's ``fit_resample``.
    key : str
        Name of the metadata (used in errors, and to choose ``how``).
    how : {"seed", "interpolate"}, default=None
        ``None`` interpolates ``sample_weight`` and copies every other key
        from each output row's seed row.  Only resamplers with
        ``provenance_`` interpolate; a sampler that keeps or drops rows
        (``sample_indices_``) copies.
    step : str, default=None
        Name of the step that consumes the values (for errors).

    Returns
    -------
    carried : ndarray, or the pandas type of ``values``, of length n_output
    """
    where = f" for step {step!r}" if step is not None else ""
    name = type(sampler).__name__
    provenance = getattr(sampler, "provenance_", None)
    if provenance is not None:
        n_parents = int(provenance.seed.max(initial=-1)) + 1
        if _num_samples(values) < n_parents:
            raise ValueError(
                f"Metadata {key!r}{where} has {_num_samples(values)} entries, "
                f"fewer than the rows given to {name}."
            )
        if (provenance.seed < 0).any():
            raise ValueError(
                f"Cannot carry metadata {key!r}{where} through {name}: some of "
                "its output rows have more than two parent rows, so they have "
                "no single row to take a value from."
            )
        return provenance.carry(values, key=key, how=how)
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None:
        return _index_rows(values, indices)
    raise ValueError(
        f"Cannot carry metadata {key!r}{where} through the resampler {name}: it "
        "records neither provenance_ (this package's resamplers) nor "
        "sample_indices_ (imbalanced-learn's under-samplers), so the output rows "
        "cannot be matched to input rows. Use a resampler of "
        "sklearn_datacentric.over_sampling / under_sampling instead."
    )


def _index_rows(values, rows):
    out = _safe_indexing(values, rows)
    if hasattr(out, "reset_index"):  # pandas: a fresh index, like the rows
        out = out.reset_index(drop=True)
    return out


class Pipeline(_imb_pipeline.Pipeline):
    """Imbalanced-learn's Pipeline, with per-row metadata carried through samplers.

    Samplers (steps with ``fit_resample``) act during ``fit`` only, as in
    :class:`imblearn.pipeline.Pipeline`.  In addition, every per-row metadata
    value routed to a step that comes after a sampler is carried through that
    sampler, so that it has one entry per row the step receives:

    * through this package's resamplers by their ``provenance_``:
      ``sample_weight`` is interpolated along each synthetic row's segment,
      ``(1 - gap) * w[seed] + gap * w[partner]``; any other key (``groups``,
      ``sample_domain``, ...) is copied from the row's seed;
    * through imbalanced-learn samplers that record ``sample_indices_``
      (random under-sampling, Tomek links, edited nearest neighbours, ...)
      by those indices;
    * any other sampler raises a ``ValueError`` naming it and the key.

    A metadata value is per-row when it is an array or list whose length is
    the number of rows entering the sampler (the rule scikit-learn's
    cross-validation uses to slice fit parameters).  An array of another
    length routed past a sampler raises an error naming the key and the step.

    This works with scikit-learn's metadata routing
    (``sklearn.set_config(enable_metadata_routing=True)``, steps requesting
    keys with ``set_fit_request``) and without it (``step__key=value``
    parameters of ``fit``).

    Parameters
    ----------
    steps : list of tuple
        ``(name, estimator)`` pairs; intermediate steps are transformers or
        samplers, the last step any estimator.
    transform_input : list of str, default=None
        Metadata keys to pass through the preceding transformers before they
        reach a step (scikit-learn's ``transform_input``; needs metadata
        routing).
    memory : None, str or object with the joblib.Memory interface, default=None
        Cache of the fitted transformers and samplers.
    verbose : bool, default=False
        Print the time of each step as it is fitted.

    Attributes
    ----------
    named_steps : :class:`~sklearn.utils.Bunch`
        The steps by name.

    See Also
    --------
    make_pipeline : Build a Pipeline, naming the steps automatically.
    imblearn.pipeline.Pipeline : The same without carrying metadata.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_datacentric.over_sampling import SMOTE
    >>> from sklearn_datacentric.pipeline import make_pipeline
    >>> X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    >>> w = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    >>> pipe = make_pipeline(SMOTE(random_state=0), LogisticRegression())
    >>> pipe.fit(X, y, logisticregression__sample_weight=w).score(X, y) > 0.5
    True
    """

    def _fit(self, X, y=None, routed_params=None, raw_params=None):
        self.steps = list(self.steps)
        self._validate_steps()
        memory = check_memory(self.memory)
        fit_transform_one_cached = memory.cache(_fit_transform_one)
        fit_resample_one_cached = memory.cache(_fit_resample_one)

        for step_idx, name, transformer in self._iter(
            with_final=False, filter_passthrough=False, filter_resample=False
        ):
            if transformer is None or transformer == "passthrough":
                with _print_elapsed_time("Pipeline", self._log_message(step_idx)):
                    continue
            if hasattr(memory, "location") and memory.location is None:
                cloned = transformer  # no cache: no clone (as imbalanced-learn)
            else:
                cloned = clone(transformer)
            if hasattr(cloned, "transform") or hasattr(cloned, "fit_transform"):
                step_params = self._get_metadata_for_step(
                    step_idx=step_idx,
                    step_params=routed_params[name],
                    all_params=raw_params,
                )
                X, fitted = fit_transform_one_cached(
                    cloned,
                    X,
                    y,
                    weight=None,
                    message_clsname="Pipeline",
                    message=self._log_message(step_idx),
                    params=step_params,
                )
            elif hasattr(cloned, "fit_resample"):
                n_in = _num_samples(X)
                X, y, fitted = fit_resample_one_cached(
                    cloned,
                    X,
                    y,
                    message_clsname="Pipeline",
                    message=self._log_message(step_idx),
                    params=routed_params[name],
                )
                self._carry_routed(routed_params, step_idx, fitted, n_in)
            self.steps[step_idx] = (name, fitted)
        return X, y

    def _carry_routed(self, routed_params, step_idx, sampler, n_in):
        """Carry, in place, the metadata of every step after a sampler."""
        carried = {}  # id(value), key -> carried value: each array carried once
        for name, _ in self.steps[step_idx + 1 :]:
            step_params = routed_params.get(name)
            if not step_params:
                continue
            for method_params in step_params.values():
                for key, value in list(method_params.items()):
                    if not _is_per_row_candidate(value):
                        continue
                    n_value = _num_samples(value)
                    if n_value != n_in:
                        raise ValueError(
                            f"Metadata {key!r} routed to step {name!r} has "
                            f"{n_value} entries, but the sampler "
                            f"{self.steps[step_idx][0]!r} before it was given "
                            f"{n_in} rows; per-row metadata needs one entry per "
                            "row."
                        )
                    cache_key = (id(value), key)
                    if cache_key not in carried:
                        carried[cache_key] = carry_metadata(
                            sampler, value, key=key, step=name
                        )
                    method_params[key] = carried[cache_key]


def make_pipeline(*steps, memory=None, transform_input=None, verbose=False):
    """Build a :class:`Pipeline` from estimators, naming the steps.

    Parameters
    ----------
    *steps : list of estimators
        Transformers, samplers and a final estimator.
    memory : None, str or object with the joblib.Memory interface, default=None
        Cache of the fitted transformers and samplers.
    transform_input : list of str, default=None
        Metadata keys to pass through the preceding transformers.
    verbose : bool, default=False
        Print the time of each step as it is fitted.

    Returns
    -------
    p : Pipeline
        Steps named after their lower-cased class names.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_datacentric.over_sampling import SMOTE
    >>> from sklearn_datacentric.pipeline import make_pipeline
    >>> pipe = make_pipeline(SMOTE(), LogisticRegression())
    >>> [name for name, _ in pipe.steps]
    ['smote', 'logisticregression']
    """
    return Pipeline(
        _name_estimators(steps),
        memory=memory,
        transform_input=transform_input,
        verbose=verbose,
    )
