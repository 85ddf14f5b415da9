"""Parameter adapter of the neural estimators: scikit-learn's parameter
contract (keyword-only, stored unchanged, ``get_params``/``set_params``,
declarative constraints) on top of skorch's ``NeuralNet``, and the check of
the ``device`` parameter."""

import numbers
from types import MappingProxyType

import numpy as np
import torch
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)

__all__ = []

# parameters that hold torch classes/instances: never registered as components
_PLAIN_PARAMS = frozenset({"module", "criterion", "optimizer"})


def _resolve_device(device):
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def _check_device(device):
    """Clear error for a ``device`` that torch cannot use.

    Valid: ``"auto"``, ``None`` (skorch: tensors are not moved), a
    ``torch.device`` or a string torch parses (``"cpu"``, ``"cuda"``,
    ``"cuda:N"``, ``"mps"``, ...); a CUDA or MPS device needs its backend
    to be available.
    """
    if device is None or (isinstance(device, str) and device == "auto"):
        return
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(
            f"device={device!r} is not a torch device; use 'auto', 'cpu', "
            "'cuda', 'cuda:N' (N the GPU index), 'mps' or a torch.device."
        ) from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} asks for CUDA, which torch cannot use on "
                "this machine (torch.cuda.is_available() is False); use 'auto' "
                "or 'cpu'."
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} names GPU {dev.index}, but torch sees "
                f"{torch.cuda.device_count()} GPU(s)."
            )
    if dev.type == "mps" and not (
        hasattr(torch.backends, "mps") and torch.backends.mps.is_available()
    ):
        raise ValueError(
            f"device={device!r} asks for Apple's MPS backend, which is not "
            "available here; use 'auto' or 'cpu'."
        )


def _flag(value):
    """A boolean parameter read before validation (invalid values: False)."""
    return (
        bool(value) if isinstance(value, (bool, np.bool_, numbers.Integral)) else False
    )


def _common_constraints():
    return {
        "module": "no_validation",
        "criterion": "no_validation",
        "optimizer": "no_validation",
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "iterator_train": "no_validation",
        "iterator_valid": "no_validation",
        "train_split": [StrOptions({"auto"}), callable, None],
        "callbacks": [list, None],
        "predict_nonlinearity": [StrOptions({"auto"}), callable, None],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "device": [str, torch.device, None],
        "compile": ["boolean"],
        "use_caching": [StrOptions({"auto"}), "boolean"],
        "torch_load_kwargs": [dict, None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "mixup": [str, None],
        "mixup_alpha": [Interval(numbers.Real, 0, None, closed="neither")],
        "record_dynamics": ["boolean"],
        "random_state": ["random_state"],
    }


class _ParamsAdapter:
    """scikit-learn parameters on skorch's ``NeuralNet`` (placed before it)."""

    # class-level defaults, so that __init__ stores parameters only
    history_ = None
    initialized_ = False
    virtual_params_ = MappingProxyType({})

    def _store_params(self, params, kwargs):
        device = params.pop("device")
        vars(self).update(params)
        self.__dict__["device"] = device
        self._params_to_validate = set(kwargs)
        vars(self).update(kwargs)

    def __setattr__(self, name, attr):
        if name in _PLAIN_PARAMS:
            # module/criterion/optimizer are parameters (classes or instances),
            # not components registered by skorch: set them as plain values.
            object.__setattr__(self, name, attr)
            return
        super().__setattr__(name, attr)

    @property
    def device(self):
        """The torch device used: ``"auto"`` resolves to CUDA when available."""
        return _resolve_device(self.__dict__.get("device", "auto"))

    @device.setter
    def device(self, value):
        self.__dict__["device"] = value

    def set_params(self, **kwargs):
        """Set the parameters of this estimator.

        Works like scikit-learn's ``set_params`` and also takes skorch's
        prefixed parameters (``module__width``, ``optimizer__weight_decay``,
        ...).  New ``callbacks`` are stored as given and built at the next
        ``initialize`` or ``fit`` (at once when the net is initialised).

        Parameters
        ----------
        **kwargs : dict
            Parameter names mapped to their new values.

        Returns
        -------
        self : object
            The estimator, with the new parameters.
        """
        if "callbacks" in kwargs:
            # stored as is; callbacks are (re)built at the next initialize/fit
            self.__dict__["callbacks"] = kwargs.pop("callbacks")
            if self.initialized_:
                self._initialize_callbacks()
        return super().set_params(**kwargs)

    def _get_param_names(self):
        return [
            k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")
        ]

    def get_params(self, deep=True, **kwargs):
        """Get the parameters of this estimator.

        Parameters
        ----------
        deep : bool, default=True
            Whether to also return the parameters of the callbacks
            (``callbacks__<name>__<param>``).  Prefixed parameters given to
            the constructor (``module__width``) are returned in both cases.
        **kwargs : dict
            Passed to skorch's ``NeuralNet.get_params``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values; ``device`` is the value
            given (e.g. ``"auto"``), not the resolved torch device.
        """
        params = super().get_params(deep=deep, **kwargs)
        if "device" in self.__dict__:
            params["device"] = self.__dict__["device"]
        return params

    def __setstate__(self, state):
        requested = state.get("device")
        if isinstance(requested, str) and requested == "auto":
            state = dict(state)
            state["device"] = _resolve_device("auto")
        super().__setstate__(state)
        if isinstance(requested, str) and requested == "auto":
            self.__dict__["device"] = "auto"

    def _check_own_params(self):
        validate_parameter_constraints(
            self._parameter_constraints,
            {k: v for k, v in self.get_params(deep=False).items()},
            caller_name=type(self).__name__,
        )
        _check_device(self.__dict__.get("device", "auto"))
        if self.mixup is not None:
            from ..mixup._pairs import parse_criterion

            class_rel, dom_rel, canon = parse_criterion(self.mixup)
            if class_rel and not self._is_tabular_classifier:
                raise ValueError(
                    f"mixup={self.mixup!r} pairs rows by class, which needs class "
                    "labels; for a regressor use 'random' or a domain criterion."
                )
            return class_rel, dom_rel
        return 0, 0
