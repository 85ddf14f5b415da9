"""The default torch module: a multilayer perceptron for tabular data."""

from torch import nn

__all__ = ["TabularMLP"]

_ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "silu": nn.SiLU}


class TabularMLP(nn.Module):
    """Multilayer perceptron for tabular data, returning raw scores (logits).

    ``depth`` hidden blocks ``Linear -> [BatchNorm1d] -> activation ->
    [Dropout]`` followed by a linear output layer.  ``depth=0`` is a linear
    model.  The estimators of :mod:`sklearn_datacentric.neural` fill in
    ``n_features`` and ``n_outputs`` from the data; every other argument is
    set through the estimator with the ``module__`` prefix, e.g.
    ``TabularNetClassifier(module__width=64)`` or
    ``GridSearchCV(net, {"module__depth": [1, 2]})``.

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_outputs : int
        Number of outputs (classes for a classifier, targets for a regressor).
    width : int, default=128
        Units of every hidden layer.
    depth : int, default=2
        Number of hidden layers.
    dropout : float, default=0.1
        Dropout probability after every hidden activation (0 disables it).
    batch_norm : bool, default=True
        Whether to put a ``BatchNorm1d`` after every hidden linear layer.
    activation : {"relu", "gelu", "tanh", "silu"}, default="relu"
        Hidden activation.

    Examples
    --------
    >>> import torch
    >>> from sklearn_datacentric.neural import TabularMLP
    >>> mlp = TabularMLP(n_features=5, n_outputs=3, width=16, depth=1)
    >>> mlp(torch.zeros(4, 5)).shape
    torch.Size([4, 3])
    """

    def __init__(
        self,
        n_features,
        n_outputs,
        width=128,
        depth=2,
        dropout=0.1,
        batch_norm=True,
        activation="relu",
    ):
        super().__init__()
        for name, value, low in (
            ("n_features", n_features, 1),
            ("n_outputs", n_outputs, 1),
            ("width", width, 1),
            ("depth", depth, 0),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(
                    f"TabularMLP: {name} must be an integer >= {low}, got {value!r}."
                )
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"TabularMLP: dropout must be in [0, 1), got {dropout!r}.")
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"TabularMLP: activation must be one of {sorted(_ACTIVATIONS)}, "
                f"got {activation!r}."
            )
        layers = []
        n_in = n_features
        for _ in range(depth):
            layers.append(nn.Linear(n_in, width))
            if batch_norm:
                layers.append(nn.BatchNorm1d(width))
            layers.append(_ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(float(dropout)))
            n_in = width
        self.hidden = nn.Sequential(*layers)
        self.output = nn.Linear(n_in, n_outputs)

    def forward(self, X):
        """Compute the outputs (logits or predictions) of a batch of rows.

        Parameters
        ----------
        X : torch.Tensor of shape (batch_size, n_features)
            Input rows.

        Returns
        -------
        out : torch.Tensor of shape (batch_size, n_outputs)
            Network outputs.
        """
        return self.output(self.hidden(X))


def _module_accepts(module, name):
    """Whether the module class (or factory) takes the keyword ``name``."""
    import inspect

    target = module if not isinstance(module, nn.Module) else None
    if target is None:
        return False
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
