"""Batched dataset, balanced sampler and validation split of the neural nets.

The dataset keeps every per-sample array as a torch tensor and serves a whole
batch with one fancy-indexing call (``__getitems__``), so the data loader does
not collate rows one by one.  A batch is ``(Xb, yb)`` where ``Xb`` is a dict
``{"X": features, "sample_weight": weights, "index": original row indices}``
(plus ``"groups"`` when domains were given): the weights travel with their
rows through shuffling, balanced sampling and the validation split.
"""

import numpy as np
import torch
from torch.utils.data import Dataset, WeightedRandomSampler

__all__ = ["TabularDataset", "BalancedBatchSampler", "collate_batch"]


def _label_codes(y):
    """1-D integer class codes of hard (n,) or soft (n, k) label tensors."""
    y = y.numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    return y.argmax(axis=1) if y.ndim == 2 else y


def _dataset_arrays(dataset):
    """(y, groups, index) of every row of a TabularDataset or a Subset of one."""
    if isinstance(dataset, TabularDataset):
        return dataset.y, dataset.groups, dataset.index
    xb, yb = dataset.__getitems__(list(range(len(dataset))))
    return yb, xb.get("groups"), xb["index"]


class TabularDataset(Dataset):
    """Rows of X with their target, weight, domain and original index.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, n_features), float32
        Input samples.
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_targets), default=None
        Target values.
    sample_weight : torch.Tensor of shape (n_samples,), default=None
        Row weights (float32); ones when None.
    groups : torch.Tensor of shape (n_samples,), default=None
        Integer domain codes.
    index : torch.Tensor of shape (n_samples,), default=None
        Original row index of every row (``arange`` when None).

    Attributes
    ----------
    X, y, sample_weight, groups, index : torch.Tensor
        The stored arrays (``sample_weight`` filled with ones when not given).

    Examples
    --------
    >>> import torch
    >>> from sklearn_datacentric.neural import TabularDataset
    >>> ds = TabularDataset(torch.zeros(5, 2), torch.tensor([0, 1, 0, 1, 1]),
    ...                     torch.arange(5, dtype=torch.float32))
    >>> xb, yb = ds.__getitems__([4, 0])
    >>> xb["sample_weight"].tolist(), yb.tolist()
    ([4.0, 0.0], [1, 0])
    """

    def __init__(self, X, y=None, sample_weight=None, groups=None, index=None):
        n = X.shape[0]
        self.X = X
        self.y = y
        self.sample_weight = (
            torch.ones(n, dtype=torch.float32)
            if sample_weight is None
            else sample_weight
        )
        self.groups = groups
        self.index = torch.arange(n, dtype=torch.int64) if index is None else index

    def __len__(self):
        return self.X.shape[0]

    def subset(self, rows):
        """Return a new dataset holding ``rows`` (positions in this dataset).

        Parameters
        ----------
        rows : array-like of int
            Positions of the rows to keep.

        Returns
        -------
        dataset : TabularDataset
            The selected rows, with their targets and weights.
        """
        rows = torch.as_tensor(rows, dtype=torch.int64)
        return TabularDataset(
            self.X[rows],
            None if self.y is None else self.y[rows],
            self.sample_weight[rows],
            None if self.groups is None else self.groups[rows],
            self.index[rows],
        )

    def __getitems__(self, rows):
        rows = torch.as_tensor(rows, dtype=torch.int64)
        xb = {
            "X": self.X[rows],
            "sample_weight": self.sample_weight[rows],
            "index": self.index[rows],
        }
        if self.groups is not None:
            xb["groups"] = self.groups[rows]
        yb = None if self.y is None else self.y[rows]
        return xb, yb

    def __getitem__(self, i):
        xb, yb = self.__getitems__([int(i)])
        xb = {k: v[0] for k, v in xb.items()}
        return xb, (None if yb is None else yb[0])


def collate_batch(batch):
    """Collate function for :class:`TabularDataset`: batches come whole.

    A list of single rows (a ``Subset`` of a custom ``train_split`` that did
    not forward ``__getitems__``) is stacked instead.
    """
    if isinstance(batch, tuple):
        return batch
    xs, ys = zip(*batch)
    xb = {k: torch.stack([x[k] for x in xs]) for k in xs[0]}
    yb = None if ys[0] is None else torch.stack(list(ys))
    return xb, yb


class BalancedBatchSampler(WeightedRandomSampler):
    """Draw rows so that every stratum is equally frequent in each epoch.

    Each epoch draws ``num_samples`` rows with replacement, row ``i`` with
    probability proportional to ``1 / count(stratum_i)``: the strata (classes,
    domains or class x domain cells) are uniform in expectation, rows within a
    stratum uniform.  torch's ``WeightedRandomSampler`` with these weights.

    Parameters
    ----------
    strata : array-like of shape (n_samples,)
        Stratum of every row (class labels, domain labels or cell codes);
        any values that :func:`numpy.unique` can sort.
    num_samples : int, default=None
        Rows per epoch (``n_samples`` when None).
    generator : torch.Generator, default=None
        Random generator of the draws; None uses torch's global generator.

    Attributes
    ----------
    weights : torch.Tensor of shape (n_samples,)
        Drawing probability of every row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_datacentric.neural import BalancedBatchSampler
    >>> sampler = BalancedBatchSampler(np.array([0, 0, 0, 1]))
    >>> sampler.weights.tolist()
    [0.16666666666666666, 0.16666666666666666, 0.16666666666666666, 0.5]
    """

    def __init__(self, strata, num_samples=None, generator=None):
        strata = np.asarray(strata)
        _, codes, counts = np.unique(strata, return_inverse=True, return_counts=True)
        p = 1.0 / counts[codes]
        super().__init__(
            p / p.sum(),
            len(strata) if num_samples is None else int(num_samples),
            replacement=True,
            generator=generator,
        )


def split_rows(n, y_codes, validation_fraction, rng, *, stratify):
    """Positions of training and validation rows, or ``None`` for no split.

    Stratified on ``y_codes`` when ``stratify`` and every class has at least
    two rows; no split when fewer than two training rows would be left.
    """
    n_valid = int(np.ceil(validation_fraction * n))
    if n_valid < 1 or n - n_valid < 2:
        return None
    perm = rng.permutation(n)
    if stratify and y_codes is not None:
        codes = np.asarray(y_codes)[perm]
        classes, counts = np.unique(codes, return_counts=True)
        if (
            counts.min() >= 2
            and n_valid >= len(classes)
            and n - n_valid >= len(classes)
        ):
            # allocate validation rows per class proportionally (largest remainder)
            exact = counts * (n_valid / n)
            alloc = np.floor(exact).astype(int)
            rest = n_valid - alloc.sum()
            order = np.argsort(-(exact - alloc), kind="stable")
            alloc[order[:rest]] += 1
            alloc = np.clip(alloc, 1, counts - 1)
            valid = []
            for c, k in zip(classes, alloc):
                valid.append(perm[codes == c][:k])
            valid = np.sort(np.concatenate(valid))
            mask = np.zeros(n, dtype=bool)
            mask[valid] = True
            return np.flatnonzero(~mask), valid
    valid = np.sort(perm[:n_valid])
    train = np.sort(perm[n_valid:])
    return train, valid
