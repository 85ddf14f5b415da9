"""skorch-based tabular nets with sample weights, in-batch mixup and devices."""

import copy
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    StrOptions,
)
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNet, NeuralNetClassifier, NeuralNetRegressor
from skorch.callbacks import EpochTimer, PassthroughScoring, PrintLog
from skorch.utils import is_dataset
from torch.utils.data import DataLoader

from ..utils._weights import check_sample_weight
from ._callbacks import TrainingDynamics, _EarlyStopping
from ._data import (
    BalancedBatchSampler,
    TabularDataset,
    _dataset_arrays,
    _label_codes,
    collate_batch,
    split_rows,
)
from ._mixup_step import _per_sample, _TrainStepMixin
from ._module import TabularMLP, _module_accepts
from ._params import _common_constraints, _flag, _ParamsAdapter

__all__ = ["TabularNetClassifier", "TabularNetRegressor"]


@contextmanager
def _seeded(seed):
    """Seed torch inside the block and restore the global RNG state after it."""
    if seed is None:
        yield
        return
    devices = []
    if torch.cuda.is_available():
        devices = [torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _is_soft(y):
    """Whether y is a 2-D float array of class probabilities (soft labels)."""
    try:
        arr = np.asarray(y)
    except Exception:  # pragma: no cover - ragged inputs are rejected later
        return False
    return arr.ndim == 2 and arr.shape[1] > 1 and arr.dtype.kind == "f"


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_float32_range(X, name):
    """Clear error for finite features beyond float32, the nets' precision."""
    top = float(np.max(np.abs(X))) if X.size else 0.0
    if top > _FLOAT32_MAX:
        raise ValueError(
            f"{name}: X has values up to {top:.3g} in absolute value, beyond the "
            f"float32 range ({_FLOAT32_MAX:.3g}) in which the net trains. Rescale "
            "the features first, e.g. with sklearn.preprocessing.StandardScaler "
            "in a pipeline."
        )


def _check_trained_module(net):
    """Clear error when training overflowed (non-finite weights)."""
    bad = [
        name
        for name, p in net.module_.named_parameters()
        if not bool(torch.isfinite(p).all())
    ]
    if bad:
        raise ValueError(
            f"{type(net).__name__}: training overflowed, the weights of "
            f"{bad[0]!r} (and {len(bad) - 1} other tensor(s)) are NaN or "
            "infinite. The features are probably too large for float32 "
            "arithmetic (or lr too high): scale them, e.g. with "
            "sklearn.preprocessing.StandardScaler, or lower lr."
        )


def _check_output(out, X, net):
    """Clear error instead of NaN/inf outputs (features too large)."""
    finite = torch.isfinite(out).reshape(out.shape[0], -1).all(dim=1)
    if not bool(finite.all()):
        n_bad = int((~finite).sum())
        raise ValueError(
            f"{type(net).__name__}: the network's output overflows (NaN or "
            f"infinite) for {n_bad} row(s) of X: their features are too large "
            "for the network. Scale the features as at fit (e.g. "
            "sklearn.preprocessing.StandardScaler in a pipeline)."
        )
    return out


class _TabularNetMixin(_ParamsAdapter, _TrainStepMixin):
    """What the classifier and the regressor share (placed before skorch's bases)."""

    _is_tabular_classifier = False

    # --------------------------------------------------------------- callbacks
    @property
    def _default_callbacks(self):
        cbs = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
        ]
        if _flag(self.record_dynamics):
            cbs.append(("training_dynamics", TrainingDynamics()))
        if _flag(self.early_stopping):
            cbs.append(
                (
                    "early_stopping",
                    _EarlyStopping(
                        monitor="valid_loss",
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="rel",
                        load_best=True,
                        sink=print,
                    ),
                )
            )
        cbs.append(("print_log", PrintLog()))
        return cbs

    # -------------------------------------------------------------- components
    def initialize_module(self):
        kwargs = self.get_params_for("module")
        module = TabularMLP if self.module is None else self.module
        n_features = getattr(self, "n_features_in_", None)
        n_outputs = getattr(self, "_n_outputs_module", None)
        if n_features is not None and _module_accepts(module, "n_features"):
            kwargs.setdefault("n_features", n_features)
        if n_outputs is not None and _module_accepts(module, "n_outputs"):
            kwargs.setdefault("n_outputs", n_outputs)
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def initialize_criterion(self):
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        if isinstance(criterion, torch.nn.Module):
            criterion = copy.deepcopy(criterion)
            if kwargs:
                criterion = type(criterion)(**kwargs)
        else:
            kwargs.setdefault("reduction", "none")
            criterion = criterion(**kwargs)
        if getattr(criterion, "reduction", "none") != "none":
            criterion.reduction = "none"
        self.criterion_ = criterion
        return self

    def check_data(self, X, y=None):
        pass

    # -------------------------------------------------------------------- data
    def get_dataset(self, X, y=None):
        if is_dataset(X):
            return X
        return TabularDataset(self._to_tensor_X(X))

    @staticmethod
    def _to_tensor_X(X):
        X = np.asarray(X, dtype=np.float32)
        if not (X.flags.writeable and X.flags.c_contiguous):
            X = np.array(X, dtype=np.float32, order="C")
        return torch.from_numpy(X)

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset = self.get_dataset(X, y)
        ts = self.train_split
        if isinstance(ts, str) and ts == "auto":
            if not self.early_stopping:
                return dataset, None
            codes = _label_codes(dataset.y) if self._is_tabular_classifier else None
            split = split_rows(
                len(dataset),
                codes,
                self.validation_fraction,
                self._rng_,
                stratify=self._is_tabular_classifier,
            )
            if split is None:
                return dataset, None
            train, valid = split
            return dataset.subset(train), dataset.subset(valid)
        if ts is None:
            return dataset, None
        y_np = dataset.y.numpy() if dataset.y is not None else None
        if y_np is not None and y_np.ndim == 2 and y_np.shape[1] == 1:
            y_np = y_np[:, 0]
        return ts(dataset, y_np, **fit_params)

    def _strata(self, dataset):
        y, groups, _ = _dataset_arrays(dataset)
        kind = self.balanced_sampler
        if kind == "class":
            return _label_codes(y)
        if groups is None:
            raise ValueError(
                f"balanced_sampler={kind!r} needs domain labels: pass groups=... "
                "to fit."
            )
        if kind == "domain":
            return groups.numpy()
        # cells: class x domain
        g = groups.numpy().astype(np.int64)
        return _label_codes(y).astype(np.int64) * (int(g.max()) + 1) + g

    def get_iterator(self, dataset, training=False):
        if training:
            kwargs = self.get_params_for("iterator_train")
            iterator = self.iterator_train
        else:
            kwargs = self.get_params_for("iterator_valid")
            iterator = self.iterator_valid
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        if iterator is DataLoader:
            kwargs.setdefault("collate_fn", collate_batch)
        if training:
            n_rows = len(dataset)
            if getattr(self, "balanced_sampler", None) is not None:
                kwargs.pop("shuffle", None)
                kwargs["sampler"] = BalancedBatchSampler(self._strata(dataset))
            elif "sampler" in kwargs:
                # a user sampler (e.g. RepeatedRandomSubsetSampler) orders rows
                kwargs.pop("shuffle", None)
            else:
                kwargs.setdefault("shuffle", True)
            # a last batch of one row breaks batch normalisation in training
            if n_rows > 1 and n_rows % kwargs["batch_size"] == 1:
                kwargs.setdefault("drop_last", True)
        return iterator(dataset, **kwargs)

    # --------------------------------------------------------------- training
    def infer(self, x, **fit_params):
        if isinstance(x, dict):
            x = x["X"]
        x = x.to(self.device, non_blocking=True)
        return self.module_(x, **fit_params)

    # ------------------------------------------------------------- validation
    def _check_groups(self, groups, n):
        if groups is None:
            return None
        g = np.asarray(groups)
        if g.ndim != 1 or g.shape[0] != n:
            raise ValueError(
                f"groups has shape {g.shape}; expected ({n},), one domain label "
                "per row of X."
            )
        if g.dtype.kind == "f" and not np.all(np.isfinite(g)):
            raise ValueError("groups contains NaN or infinite values.")
        try:
            _, codes = np.unique(g, return_inverse=True)
        except TypeError as exc:
            raise ValueError("groups labels must be sortable (one type).") from exc
        return codes.astype(np.int64)

    def __sklearn_is_fitted__(self):
        return "n_features_in_" in self.__dict__ and "module_" in self.__dict__

    # ------------------------------------------------------------------- fit
    def _fit(self, X, y, sample_weight, groups, *, partial, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        self._mixup_rels = self._check_own_params()
        first = not (partial or self.warm_start) or not self.__sklearn_is_fitted__()
        soft = self._is_tabular_classifier and _is_soft(y)
        X, y = validate_data(
            self,
            X,
            y,
            reset=first,
            dtype=[np.float32, np.float64],
            ensure_all_finite=True,
            multi_output=soft or not self._is_tabular_classifier,
            y_numeric=soft or not self._is_tabular_classifier,
        )
        _check_float32_range(X, type(self).__name__)
        n = X.shape[0]
        if n < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to train, got "
                "n_samples = 1."
            )
        y_t = self._encode_target(y, first=first, classes=classes)
        sw = check_sample_weight(sample_weight, n)
        sw = self._apply_class_weight(sw, y)
        if sw.sum() <= 0:
            raise ValueError("sample_weight sums to zero: nothing to train on.")
        sw = sw / sw.mean()
        g = self._check_groups(groups, n)
        if self.mixup is not None and self._mixup_rels[1] and g is None:
            raise ValueError(
                f"mixup={self.mixup!r} pairs rows by domain: pass groups=... to fit."
            )
        if self.balanced_sampler in ("domain", "cell") and g is None:
            raise ValueError(
                f"balanced_sampler={self.balanced_sampler!r} needs domain labels: "
                "pass groups=... to fit."
            )
        dataset = TabularDataset(
            self._to_tensor_X(X),
            y_t,
            torch.from_numpy(sw.astype(np.float32)),
            None if g is None else torch.from_numpy(g),
        )
        rs = check_random_state(self.random_state)
        seed = None if self.random_state is None else int(rs.randint(2**31 - 1))
        self._rng_ = np.random.default_rng(
            seed if seed is not None else rs.randint(2**31 - 1)
        )
        with _seeded(seed):
            if first:
                self.initialize()
            self._fit_data = dataset
            self._train_arrays = None
            self._partner_of = torch.zeros(n, dtype=torch.int64)
            try:
                NeuralNet.partial_fit(self, dataset, None, _routing_method="fit")
            finally:
                self._fit_data = None
                self._train_arrays = None
                self._partner_of = None
        _check_trained_module(self)
        if self.record_dynamics:
            cb = dict(self.callbacks_).get("training_dynamics")
            self.training_dynamics_ = cb
        self.n_epochs_ = len(self.history)
        return self

    def fit(self, X, y, sample_weight=None, groups=None):
        """Train the net (from scratch unless ``warm_start=True``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Class labels (classifier) or targets (regressor).  A classifier
            also takes soft labels: a 2-D float array of class probabilities
            (rows summing to 1), trained with the cross-entropy against them.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; they are split with the rows into training
            and validation parts, batched with their rows and multiply the
            unreduced loss.  Normalised to mean 1 over the rows given.
        groups : array-like of shape (n_samples,), default=None
            Domain labels, used by the domain criteria of ``mixup`` and by
            ``balanced_sampler="domain"`` / ``"cell"``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, groups, partial=False)

    def partial_fit(self, X, y, sample_weight=None, groups=None, classes=None):
        """Train for ``max_epochs`` more epochs without re-initialising the module.

        The first call (or a call on an unfitted net) initialises the module
        and, for a classifier, the classes; later calls continue training
        the module, criterion and optimizer as they are.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features; converted to float32.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Class labels or soft labels (classifier) or targets (regressor),
            as in :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the rows, as in :meth:`fit`.
        groups : array-like of shape (n_samples,), default=None
            Domain labels, as in :meth:`fit`.
        classes : array-like of shape (n_classes,), default=None
            All class labels, needed at the first call when ``y`` does not
            show every class (classifier only).

        Returns
        -------
        self : object
            The estimator, trained for ``max_epochs`` more epochs.
        """
        return self._fit(X, y, sample_weight, groups, partial=True, classes=classes)

    def _raw_output(self, X):
        check_is_fitted(self)
        if is_dataset(X):
            dataset = X
        else:
            X = validate_data(
                self,
                X,
                reset=False,
                dtype=[np.float32, np.float64],
                ensure_all_finite=True,
            )
            dataset = TabularDataset(self._to_tensor_X(X))
        if torch.device(self.device).type != "cpu":
            with torch.no_grad():
                out = self.forward(dataset, training=False, device="cpu")
            return _check_output(out[0] if isinstance(out, tuple) else out, X, self)
        # On the CPU, evaluate a float64 copy of the (float32) weights: the
        # outputs then do not depend on the batch composition (float32 GEMM
        # rounding changes with the number of rows).
        module = copy.deepcopy(self.module_).double().eval()
        bs = self.batch_size if self.batch_size != -1 else len(dataset)
        bs = max(int(bs), 4096)
        outs = []
        with torch.no_grad():
            for start in range(0, len(dataset), bs):
                rows = list(range(start, min(start + bs, len(dataset))))
                xb, _ = dataset.__getitems__(rows)
                out = module(xb["X"].double())
                outs.append(out[0] if isinstance(out, tuple) else out)
        if not outs:
            return torch.empty((0, 0), dtype=torch.float64)
        return _check_output(torch.cat(outs), X, self)

    @property
    def margins_(self):
        """Per-epoch margins of the training rows (``record_dynamics=True``)."""
        cb = self.__dict__.get("training_dynamics_")
        if cb is None or not hasattr(cb, "margins_"):
            raise AttributeError(
                "margins_ is recorded only by a classifier fitted with "
                "record_dynamics=True."
            )
        return cb.margins_


_DOC_COMMON = """
    module : torch.nn.Module class or instance, default=None
        The network; None means :class:`TabularMLP`.  A class receives
        ``n_features`` and ``n_outputs`` from the data when its constructor
        takes them, plus every ``module__<name>`` parameter.
    criterion : torch loss class or instance
        Used unreduced (``reduction="none"`` is forced), then weighted by the
        sample weights and averaged.
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Set its arguments with ``optimizer__<name>`` (e.g. weight_decay).
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=100
        Maximum number of epochs.
    batch_size : int, default=256
        Rows per training and prediction batch (-1: all rows).
    iterator_train, iterator_valid : class, default=DataLoader
        Data loaders; ``iterator_train__<name>`` etc. route their arguments.
    train_split : "auto", callable or None, default="auto"
        "auto": when ``early_stopping``, hold out a (class-stratified)
        ``validation_fraction`` of the rows, with their weights, drawn with
        ``random_state``.  None: no validation set.  A callable (e.g.
        ``skorch.dataset.ValidSplit(5)``) follows skorch's protocol.
    callbacks : list or None, default=None
        Extra skorch callbacks.
    predict_nonlinearity : "auto", callable or None, default="auto"
        Applied to the module output in ``predict``/``predict_proba``.
    warm_start : bool, default=False
        Keep the trained module between calls to ``fit``.
    verbose : int, default=0
        Print one line per epoch when positive.
    device : str, default="auto"
        "auto" uses CUDA when ``torch.cuda.is_available()``, else the CPU;
        any torch device string ("cpu", "cuda:1") is used as is.
    compile : bool, default=False
        Whether to ``torch.compile`` the module.
    use_caching : "auto" or bool, default="auto"
        Whether skorch's scoring callbacks reuse the predictions cached
        during the epoch.
    torch_load_kwargs : dict or None, default=None
        Passed to ``torch.load`` when unpickling.
    early_stopping : bool, default=True
        Stop when the (weighted) validation loss has not improved by a
        relative ``tol`` for ``n_iter_no_change`` epochs and restore the best
        epoch's weights.  Needs ``train_split`` ("auto" splits).
    validation_fraction : float, default=0.1
        Fraction of rows held out by ``train_split="auto"``.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Relative improvement of the validation loss that counts.
"""

_DOC_MIXUP = """
    mixup : str or None, default=None
        In-batch mixup (Zhang et al. 2018) when not None.  Each training row of
        a batch (the anchor ``i``) is mixed with a partner ``j`` drawn by
        :func:`sklearn_datacentric.mixup.sample_partners` from the criterion's
        set S(i) over the whole training part (drawn afresh every epoch):
        ``x = lam x_i + (1 - lam) x_j`` with ``lam ~ Beta(mixup_alpha,
        mixup_alpha)`` per row.  "random" is vanilla mixup; selective mixup
        (Teney et al. 2024) uses {criteria}.
    mixup_alpha : float, default=0.4
        Parameter of the Beta distribution of lambda.
"""


class TabularNetClassifier(_TabularNetMixin, NeuralNetClassifier):
    __doc__ = (
        """Neural-network classifier for tabular data (skorch + torch).

    A skorch ``NeuralNetClassifier`` with the scikit-learn contract: labels of
    any type (label-encoded internally, ``classes_``), float32 conversion of
    ``X``, ``fit(X, y, sample_weight=None, groups=None)`` with weights that
    travel with their rows through the validation split and the batches
    (loss ``mean(w_i * loss_i)``), class weights, early stopping on a
    validation split, in-batch (selective) mixup with soft targets, a
    balanced batch sampler, per-epoch training dynamics and ``device="auto"``.
    All parameters, including the prefixed ones of skorch (``module__width``,
    ``optimizer__weight_decay``, ``iterator_train__num_workers``, ...), work
    with ``set_params``, ``clone`` and ``GridSearchCV``.

    Parameters
    ----------"""
        + _DOC_COMMON
        + """    class_weight : dict, "balanced" or None, default=None
        Multiplies the sample weights by the weight of each row's class
        (``compute_sample_weight`` semantics).
    classes : array-like or None, default=None
        All class labels, when ``y`` may not show all of them (e.g. in
        ``partial_fit``), or the labels of the columns of soft labels.  With
        soft labels (a 2-D float ``y`` of class probabilities, e.g. from
        :meth:`~sklearn_datacentric.mixup.SelectiveMixup.fit_resample_soft`)
        and ``classes=None``, the classes are ``0 .. n_columns - 1``."""
        + _DOC_MIXUP.format(
            criteria='"same_class", "different_class", "same_domain", '
            '"different_domain" and combinations such as '
            '"different_domain+same_class" (LISA); domains come from ``groups``'
        )
        + """    balanced_sampler : {"class", "domain", "cell"} or None, default=None
        Draw each epoch's rows with replacement so that classes, domains
        (``groups``) or class x domain cells are uniform in expectation.
    record_dynamics : bool, default=False
        Add a :class:`TrainingDynamics` callback recording the margin of
        every training row after every epoch (``margins_``).
    random_state : int, RandomState instance or None, default=None
        Seeds the module initialisation, dropout, shuffling, the validation
        split, the mixup partners and lambdas.  With an int, CPU runs are
        reproducible; the global torch RNG state is restored after ``fit``.
    **kwargs
        Prefixed parameters of skorch (``module__*``, ``optimizer__*``,
        ``criterion__*``, ``iterator_train__*``, ``iterator_valid__*``,
        ``callbacks__*``).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in ``fit``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features, when ``X`` had string column names.
    module_, criterion_, optimizer_ : torch objects
        The initialised components.
    history_ : skorch.history.History
        Per-epoch and per-batch records (``train_loss``, ``valid_loss``).
    n_epochs_ : int
        Epochs run by the last call (early stopping may end it early).
    training_dynamics_ : TrainingDynamics
        With ``record_dynamics=True``; ``margins_`` is a shortcut to its
        ``margins_`` (n_epochs, n_samples).

    See Also
    --------
    TabularNetRegressor : The regression counterpart.
    TabularMLP : The default module.

    Notes
    -----
    Mixup loss: the mixed row gets the soft target ``lam e_{y_i} + (1 - lam)
    e_{y_j}``, weighted by the rows' sample weights as if both rows were
    duplicated with weights ``lam w_i`` and ``(1 - lam) w_j``:
    ``lam w_i CE(f(x), y_i) + (1 - lam) w_j CE(f(x), y_j)``, which is exactly
    the cross-entropy against the weight-mixed soft target.

    References
    ----------
    .. [1] Zhang, Cisse, Dauphin, Lopez-Paz. "mixup: Beyond Empirical Risk
       Minimization". ICLR 2018.
    .. [2] Teney, Wang, Abbasnejad. "Selective Mixup Helps with Distribution
       Shifts, But Not (Only) because of Mixup". ICML 2024.
    .. [3] Pleiss, Zhang, Elenberg, Weinberger. "Identifying Mislabeled Data
       using the Area Under the Margin Ranking". NeurIPS 2020.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.neural import TabularNetClassifier
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = TabularNetClassifier(max_epochs=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """
    )

    _is_tabular_classifier = True
    _parameter_constraints = {
        **_common_constraints(),
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "classes": ["array-like", None],
        "balanced_sampler": [StrOptions({"class", "domain", "cell"}), None],
    }
    _test_params = {"max_epochs": 30, "lr": 1e-2, "batch_size": 32}

    def __init__(
        self,
        module=None,
        *,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=100,
        batch_size=256,
        iterator_train=DataLoader,
        iterator_valid=DataLoader,
        train_split="auto",
        callbacks=None,
        predict_nonlinearity="auto",
        warm_start=False,
        verbose=0,
        device="auto",
        compile=False,
        use_caching="auto",
        torch_load_kwargs=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        class_weight=None,
        classes=None,
        mixup=None,
        mixup_alpha=0.4,
        balanced_sampler=None,
        record_dynamics=False,
        random_state=None,
        **kwargs,
    ):
        params = dict(locals())
        for key in ("self", "kwargs", "__class__"):
            params.pop(key, None)
        self._store_params(params, kwargs)

    @property
    def classes_(self):
        """Class labels seen in ``fit``, in the order of the output columns."""
        try:
            return self.__dict__["classes_inferred_"]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} is not fitted: classes_ is set by fit."
            ) from None

    def _encode_target(self, y, *, first, classes):
        y = np.asarray(y)
        if classes is None:
            classes = self.classes
        if _is_soft(y):
            return self._encode_soft(y, first=first, classes=classes)
        check_classification_targets(y)
        if first:
            enc = LabelEncoder().fit(y if classes is None else np.asarray(classes))
            if classes is not None and not np.isin(y, enc.classes_).all():
                raise ValueError("y contains labels that are not in `classes`.")
            if len(enc.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in the data, but the data contain only one class: "
                    f"{enc.classes_[0]!r}."
                )
            self.classes_inferred_ = enc.classes_
            self._n_outputs_module = len(enc.classes_)
        codes = self._encode_labels(y, "y")
        return torch.from_numpy(codes)

    def _encode_soft(self, y, *, first, classes):
        k = y.shape[1]
        if np.any(y < 0) or not np.allclose(y.sum(axis=1), 1.0, atol=1e-5):
            raise ValueError(
                "Soft labels (2-D float y) must hold class probabilities: "
                "non-negative rows summing to 1."
            )
        if first:
            labels = np.arange(k) if classes is None else np.asarray(classes)
            if labels.ndim != 1 or len(labels) != k:
                raise ValueError(
                    f"Soft labels have {k} columns but classes has "
                    f"{np.shape(labels)} entries; give one class per column."
                )
            self.classes_inferred_ = labels
            self._n_outputs_module = k
        elif k != len(self.classes_):
            raise ValueError(
                f"Soft labels have {k} columns, but the net was fitted with "
                f"{len(self.classes_)} classes."
            )
        return torch.from_numpy(np.ascontiguousarray(y, dtype=np.float32))

    def _encode_labels(self, y, name):
        classes = self.classes_
        y = np.asarray(y)
        unseen = ~np.isin(y, classes)
        if unseen.any():
            raise ValueError(
                f"{name} contains labels not seen during fit: "
                f"{np.unique(y[unseen]).tolist()}; known classes are "
                f"{classes.tolist()}."
            )
        return np.searchsorted(classes, y).astype(np.int64)

    def _apply_class_weight(self, sw, y):
        if self.class_weight is None:
            return sw
        y = np.asarray(y)
        if y.ndim == 2:  # soft labels: the weight of the most likely class
            y = self.classes_[y.argmax(axis=1)]
        return sw * compute_sample_weight(self.class_weight, y)

    def _mixup_loss(self, y_pred, y, yp, wa, wb):
        la = _per_sample(self.criterion_(y_pred, y))
        lb = _per_sample(self.criterion_(y_pred, yp))
        return (wa * la + wb * lb).mean()

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits for cross-entropy).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, with the columns seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), float64
            Probability of every class, columns in the order of
            ``classes_``; rows sum to 1 with the default nonlinearity.
        """
        out = self._raw_output(X).double()
        nonlin = self._get_predict_nonlinearity()
        return np.asarray(nonlin(out).numpy(), dtype=np.float64)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The class of ``classes_`` with the highest probability.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def decision_function(self, X):
        """Compute the logits of the module.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, with the columns seen in ``fit``.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            Logit of every class, columns in the order of ``classes_``.  For
            two classes, the logit of ``classes_[1]`` minus that of
            ``classes_[0]``: positive when ``classes_[1]`` is predicted.
        """
        out = self._raw_output(X).double().numpy()
        if out.ndim == 2 and out.shape[1] == 2:
            return out[:, 1] - out[:, 0]
        return out

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy on the given data and labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, with the columns seen in ``fit``.
        y : array-like of shape (n_samples,)
            True labels; a label not seen during ``fit`` raises a ValueError.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the mean.

        Returns
        -------
        score : float
            Weighted fraction of rows whose predicted label equals ``y``.
        """
        check_is_fitted(self)
        self._encode_labels(y, "y")
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.input_tags.allow_nan = False
        return tags


class TabularNetRegressor(_TabularNetMixin, NeuralNetRegressor):
    __doc__ = (
        """Neural-network regressor for tabular data (skorch + torch).

    The regression counterpart of :class:`TabularNetClassifier`: float32
    ``X`` and ``y`` (1-D or 2-D for several targets), sample weights batched
    with their rows, early stopping on a validation split, in-batch mixup of
    rows and targets, a domain-balanced sampler, per-epoch predictions of
    the training rows and ``device="auto"``.

    Parameters
    ----------"""
        + _DOC_COMMON
        + _DOC_MIXUP.format(
            criteria='"same_domain" and "different_domain" (domains from '
            "``groups``; class criteria need a classifier)"
        )
        + """    balanced_sampler : {"domain"} or None, default=None
        Draw each epoch's rows so that the domains (``groups``) are uniform.
    record_dynamics : bool, default=False
        Add a :class:`TrainingDynamics` callback recording the prediction of
        every training row after every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout, shuffling, split and mixup draws.
    **kwargs
        Prefixed parameters of skorch (``module__*``, ``optimizer__*``, ...).

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
    n_outputs_ : int
        Number of targets.
    module_, criterion_, optimizer_ : torch objects
    history_ : skorch.history.History
    n_epochs_ : int
    training_dynamics_ : TrainingDynamics
        With ``record_dynamics=True`` (``predictions_``).

    See Also
    --------
    TabularNetClassifier

    Notes
    -----
    Mixup loss: the mixed row's target is the weight-mixed target
    ``(lam w_i y_i + (1 - lam) w_j y_j) / w`` with weight
    ``w = lam w_i + (1 - lam) w_j``; with equal weights this is vanilla
    mixup, ``lam y_i + (1 - lam) y_j``.

    References
    ----------
    .. [1] Zhang, Cisse, Dauphin, Lopez-Paz. "mixup: Beyond Empirical Risk
       Minimization". ICLR 2018.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn_datacentric.neural import TabularNetRegressor
    >>> X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    >>> reg = TabularNetRegressor(max_epochs=20, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    """
    )

    _parameter_constraints = {
        **_common_constraints(),
        "balanced_sampler": [StrOptions({"domain"}), None],
    }
    _test_params = {"max_epochs": 30, "lr": 1e-2, "batch_size": 32}

    def __init__(
        self,
        module=None,
        *,
        criterion=torch.nn.MSELoss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=100,
        batch_size=256,
        iterator_train=DataLoader,
        iterator_valid=DataLoader,
        train_split="auto",
        callbacks=None,
        predict_nonlinearity="auto",
        warm_start=False,
        verbose=0,
        device="auto",
        compile=False,
        use_caching="auto",
        torch_load_kwargs=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        mixup=None,
        mixup_alpha=0.4,
        balanced_sampler=None,
        record_dynamics=False,
        random_state=None,
        **kwargs,
    ):
        params = dict(locals())
        for key in ("self", "kwargs", "__class__"):
            params.pop(key, None)
        self._store_params(params, kwargs)

    @property
    def predict_proba(self):
        """Not available: a regressor predicts targets, use ``predict``."""
        raise AttributeError("TabularNetRegressor has no predict_proba; use predict.")

    def _encode_target(self, y, *, first, classes):
        y = np.asarray(y, dtype=np.float64)
        if not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinite values.")
        y2 = y.reshape(-1, 1) if y.ndim == 1 else y
        if first:
            self.n_outputs_ = y2.shape[1]
            self._y_1d = y.ndim == 1
            self._n_outputs_module = y2.shape[1]
        elif y2.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y2.shape[1]} targets, but the net was fitted with "
                f"{self.n_outputs_}."
            )
        return torch.from_numpy(np.ascontiguousarray(y2, dtype=np.float32))

    def _apply_class_weight(self, sw, y):
        return sw

    def _mixup_loss(self, y_pred, y, yp, wa, wb):
        w = wa + wb
        t = (wa[:, None] * y + wb[:, None] * yp) / w.clamp_min(1e-12)[:, None]
        return (w * _per_sample(self.criterion_(y_pred, t))).mean()

    def predict(self, X):
        """Predict the targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features, with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted targets, float64; 1-D when ``y`` was 1-D in ``fit``.
        """
        out = self._raw_output(X)
        nonlin = self._get_predict_nonlinearity()
        pred = np.asarray(nonlin(out).numpy(), dtype=np.float64)
        if self._y_1d and pred.ndim == 2 and pred.shape[1] == 1:
            pred = pred[:, 0]
        return pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.allow_nan = False
        return tags
