"""Training step of the neural estimators: the weighted unreduced loss and
in-batch (selective) mixup with partners drawn every epoch."""

import numpy as np
import torch
from skorch.dataset import unpack_data

from ._data import _dataset_arrays, _label_codes

__all__ = []


def _per_sample(loss):
    """Reduce an unreduced loss to one value per row."""
    if loss.dim() > 1:
        loss = loss.reshape(loss.shape[0], -1).mean(dim=1)
    return loss


class _TrainStepMixin:
    """``get_loss``/``train_step_single`` of the nets (placed before skorch's
    ``NeuralNet``); subclasses define ``_prepare_target`` and
    ``_mixup_loss(y_pred, y, y_partner, w, w_partner)``."""

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = self._prepare_target(y_true.to(self.device))
        loss = _per_sample(self.criterion_(y_pred, y_true))
        if isinstance(X, dict) and "sample_weight" in X:
            loss = loss * X["sample_weight"].to(self.device)
        return loss.mean()

    def _prepare_target(self, y):
        return y

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(
            net, dataset_train=dataset_train, dataset_valid=dataset_valid, **kwargs
        )
        if self.mixup is not None and dataset_train is not None:
            self._draw_partners(dataset_train)

    def _draw_partners(self, dataset_train):
        from ..mixup import sample_partners

        if getattr(self, "_train_arrays", None) is None:
            y, groups, index = _dataset_arrays(dataset_train)
            self._train_arrays = (
                _label_codes(y) if y is not None else None,
                groups.numpy() if groups is not None else None,
                index,
            )
        y, groups, index = self._train_arrays
        class_rel, dom_rel = self._mixup_rels
        if dom_rel and groups is None:
            raise ValueError(
                f"mixup={self.mixup!r} pairs rows by domain: pass groups=... to fit."
            )
        pos = sample_partners(
            len(index),
            y=y if class_rel else None,
            groups=groups if dom_rel else None,
            criterion=self.mixup,
            random_state=int(self._rng_.integers(2**31 - 1)),
            n_samples=len(index),
        )
        partner = self._partner_of
        partner[index] = index[torch.from_numpy(np.asarray(pos, dtype=np.int64))]

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        xb, yb = unpack_data(batch)
        dev = self.device
        x = xb["X"].to(dev, non_blocking=True)
        w = xb["sample_weight"].to(dev, non_blocking=True)
        y = self._prepare_target(yb.to(dev, non_blocking=True))
        if self.mixup is None:
            y_pred = self.module_(x, **fit_params)
            loss = (_per_sample(self.criterion_(y_pred, y)) * w).mean()
        else:
            data = self._fit_data
            p = self._partner_of[xb["index"]]
            xp = data.X[p].to(dev, non_blocking=True)
            yp = self._prepare_target(data.y[p].to(dev, non_blocking=True))
            wp = data.sample_weight[p].to(dev, non_blocking=True)
            a = float(self.mixup_alpha)
            lam = torch.from_numpy(
                self._rng_.beta(a, a, size=x.shape[0]).astype(np.float32)
            ).to(dev)
            x_mix = lam[:, None] * x + (1.0 - lam[:, None]) * xp
            y_pred = self.module_(x_mix, **fit_params)
            loss = self._mixup_loss(y_pred, y, yp, lam * w, (1.0 - lam) * wp)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}
