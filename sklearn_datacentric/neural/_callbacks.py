"""Callbacks of the tabular nets: training dynamics and early stopping."""

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping

__all__ = ["TrainingDynamics"]


class TrainingDynamics(Callback):
    """Record per-sample margins (classifiers) or predictions (regressors) per epoch.

    At the end of every epoch the callback runs one no-grad pass, with the
    module in evaluation mode (dropout off, batch-norm running statistics),
    over every training row, and stores for each row

    * classifiers: the margin, logit of the assigned label minus the largest
      other logit (the quantity averaged by the area-under-the-margin
      detector of Pleiss et al. 2020), and optionally all logits;
    * regressors: the prediction.

    The values are *not* accumulated from the training batches, so they do not
    depend on the batch order, dropout or mixup; rows are in their original
    order.  With a validation split the held-out rows get ``NaN`` columns:
    they are never trained on.  Used by :class:`TabularNetClassifier` and
    :class:`TabularNetRegressor` when ``record_dynamics=True``, or add it to
    ``callbacks`` of any skorch net built on
    :class:`~sklearn_datacentric.neural.TabularDataset` batches.

    Parameters
    ----------
    record_logits : bool, default=False
        Also keep the logits of every training row (``n_epochs x n_samples x
        n_classes`` floats).
    batch_size : int, default=4096
        Rows per forward pass of the recording pass.

    Attributes
    ----------
    margins_ : ndarray of shape (n_epochs, n_samples), float32
        Classifiers only.  Column ``i`` is row ``i`` of the ``X`` given to
        ``fit``; columns of validation rows are NaN.
    logits_ : ndarray of shape (n_epochs, n_samples, n_classes), float32
        Classifiers with ``record_logits=True``.
    predictions_ : ndarray of shape (n_epochs, n_samples) or \
            (n_epochs, n_samples, n_targets), float32
        Regressors only.
    train_indices_ : ndarray of int
        Rows of ``X`` that were trained on (the non-NaN columns).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_datacentric.neural import TabularNetClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> net = TabularNetClassifier(record_dynamics=True, max_epochs=3,
    ...                            random_state=0).fit(X, y)
    >>> net.margins_.shape
    (3, 200)
    """

    def __init__(self, record_logits=False, batch_size=4096):
        self.record_logits = record_logits
        self.batch_size = batch_size

    def initialize(self):
        self._epochs = []
        self._logits = []
        self.n_samples_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        if not getattr(net, "warm_start", False) or not hasattr(self, "_epochs"):
            self.initialize()
        self.n_samples_ = len(X) if X is not None else None

    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        if dataset_train is None:
            return
        n_total = self.n_samples_ if self.n_samples_ is not None else len(dataset_train)
        n_train = len(dataset_train)
        classifier = getattr(net, "_is_tabular_classifier", False)
        was_training = net.module_.training
        net.module_.train(False)
        outs, idxs, ys = [], [], []
        with torch.no_grad():
            for start in range(0, n_train, self.batch_size):
                rows = list(range(start, min(start + self.batch_size, n_train)))
                xb, yb = dataset_train.__getitems__(rows)
                out = net.module_(xb["X"].to(net.device))
                outs.append(out.float().cpu())
                idxs.append(xb["index"])
                ys.append(yb)
        net.module_.train(was_training)
        out = torch.cat(outs)
        idx = torch.cat(idxs).numpy()
        self.train_indices_ = np.sort(idx)
        if classifier:
            y = torch.cat(ys)
            if y.dim() == 2:  # soft labels: the assigned label is the argmax
                y = y.argmax(dim=1)
            y = y.long()
            own = out.gather(1, y[:, None])[:, 0]
            other = out.clone()
            other.scatter_(1, y[:, None], float("-inf"))
            margin = (own - other.max(dim=1).values).numpy()
            row = np.full(n_total, np.nan, dtype=np.float32)
            row[idx] = margin
            self._epochs.append(row)
            if self.record_logits:
                full = np.full((n_total, out.shape[1]), np.nan, dtype=np.float32)
                full[idx] = out.numpy()
                self._logits.append(full)
        else:
            pred = out.numpy()
            if pred.ndim == 2 and pred.shape[1] == 1:
                pred = pred[:, 0]
            full = np.full((n_total,) + pred.shape[1:], np.nan, dtype=np.float32)
            full[idx] = pred
            self._epochs.append(full)

    def on_train_end(self, net, **kwargs):
        classifier = getattr(net, "_is_tabular_classifier", False)
        stacked = (
            np.stack(self._epochs)
            if self._epochs
            else np.empty((0, self.n_samples_ or 0))
        )
        if classifier:
            self.margins_ = stacked
            if self.record_logits:
                self.logits_ = np.stack(self._logits) if self._logits else None
        else:
            self.predictions_ = stacked


class _EarlyStopping(EarlyStopping):
    """skorch's EarlyStopping that stays idle when there is no validation set."""

    def on_epoch_end(self, net, **kwargs):
        if "valid_loss" not in net.history[-1]:
            return
        super().on_epoch_end(net, **kwargs)
