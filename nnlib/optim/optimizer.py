"""``Optimizer``: the base class that holds parameter groups and per-parameter state."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nnlib._validation import check_finite, check_number, check_shape, first_nonfinite
from nnlib.autograd.tensor import Tensor
from nnlib.optim._common import Param, ParamGroup, check_layout, restored_state
from nnlib.parameter import Parameter

__all__ = ["Optimizer", "ParamsT"]

Array = NDArray[np.floating[Any]]
ParamsT = Iterable[Param] | Iterable[dict[str, Any]]
"""What an optimizer accepts: Parameters or leaf tensors, or parameter groups as dicts."""


def _refusal(param: Any) -> TypeError | ValueError | None:
    """Why ``param`` cannot be optimized, or None for a Parameter or a leaf tensor needing grad.

    Both have ``.data``, updated in place, and ``.grad``, filled by a
    backward pass: the modules' explicit ``backward`` or ``Tensor.backward``.
    """
    if isinstance(param, Parameter):
        return None
    if not isinstance(param, Tensor):
        return TypeError(
            f"is a {type(param).__name__}; expected an nnlib.Parameter or a leaf "
            "nnlib.autograd.Tensor with requires_grad=True"
        )
    if param.grad_fn is not None:
        return ValueError(
            "is a non-leaf Tensor (computed by an operation), and a non-leaf Tensor can't be "
            "optimized; expected a leaf tensor created with requires_grad=True"
        )
    if not param.requires_grad:
        return ValueError(
            "is a Tensor with requires_grad=False, which never gets a gradient; expected "
            "requires_grad=True"
        )
    return None


class Optimizer:
    r"""Base class of the optimizers: parameter groups, state, ``zero_grad``, checkpoints.

    A subclass passes its hyperparameters as ``defaults`` and implements
    :meth:`step`, which reads each parameter's ``.grad`` and updates its
    ``.data`` in place.

    Parameters
    ----------
    params : iterable of Parameter or Tensor, or iterable of dict
        The parameters to optimize: ``nnlib.Parameter`` objects, or leaf
        :class:`nnlib.autograd.Tensor` objects with ``requires_grad=True``
        (both have ``.data`` and ``.grad``); or parameter groups: dicts with
        a ``"params"`` entry and any hyperparameters that override
        ``defaults`` for that group (``[{"params": w, "lr": 0.1},
        {"params": b}]``).
    defaults : dict
        The hyperparameters every group gets unless it sets its own.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group, with ``"params"`` (a list of Parameter) and
        every hyperparameter. Schedulers change ``"lr"`` here. An assigned
        hyperparameter is checked as the constructor checks it
        (``group["lr"] = -1.0`` raises ``ValueError``), so :meth:`step` can
        trust every value.
    state : dict
        Per-parameter state (momentum buffers, moment estimates, step counts),
        keyed by the Parameter object.

    Raises
    ------
    TypeError
        If ``params`` is a single Parameter or holds something that is not a
        Parameter or a tensor, or a hyperparameter has the wrong type.
    ValueError
        If there are no parameters, a parameter appears twice, a tensor is
        not a leaf or does not require grad, or a hyperparameter is out of range.

    Notes
    -----
    A checkpoint from :meth:`state_dict` refers to parameters by their
    position across all groups (0, 1, 2, ...), as PyTorch does, so it can be
    loaded into a fresh optimizer built over the same parameters in the same
    order.

    Differences from PyTorch: hyperparameters are checked in every group,
    not only in ``defaults``, and again whenever one is assigned; a
    parameter listed twice is an error (PyTorch warns when it is twice in
    one group); parameters given as ``(name, tensor)`` pairs are not
    supported; ``nnlib.Parameter`` is not a tensor, so parameters are either
    Parameters or leaf :class:`nnlib.autograd.Tensor` objects, and a tensor
    with ``requires_grad=False`` is refused; :meth:`step` refuses gradients
    of the wrong shape or with NaN or infinity (PyTorch would broadcast or propagate them);
    :meth:`state_dict` returns copies of the state arrays (PyTorch returns
    references), and a step count is an ``int`` (PyTorch stores a tensor).

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Parameter
    >>> from nnlib.optim import SGD
    >>> w, b = Parameter(np.ones(2)), Parameter(np.zeros(1))
    >>> opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    >>> [group["lr"] for group in opt.param_groups]
    [0.1, 0.5]
    >>> w.grad, b.grad = np.ones(2), np.ones(1)
    >>> _ = opt.step()
    >>> w.data, b.data
    (array([0.9, 0.9]), array([-0.5]))
    >>> sorted(opt.state_dict()["state"])  # state by position: w is 0, b is 1
    [0, 1]
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        owner = type(self).__name__
        if isinstance(params, (Parameter, Tensor)):
            raise TypeError(
                f"{owner}: params is a single {type(params).__name__}; expected an iterable of "
                "Parameters or tensors, or of parameter-group dicts, e.g. [p] or "
                "model.parameters()"
            )
        if isinstance(params, (dict, str, np.ndarray)) or not isinstance(params, Iterable):
            raise TypeError(
                f"{owner}: params is a {type(params).__name__}; expected an iterable of "
                "Parameters or of parameter-group dicts"
            )
        self._check_options(defaults, owner)
        self.defaults: dict[str, Any] = dict(defaults)
        self.param_groups: list[ParamGroup] = []
        self.state: dict[Param, dict[str, Any]] = {}
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError(
                f"{owner}: got an empty parameter list; expected at least one Parameter"
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- what a subclass provides --------------------------------------------

    def _check_options(self, options: Mapping[str, Any], owner: str) -> None:
        """Validate the hyperparameters of one group (``lr`` here; subclasses add theirs)."""
        check_number(options["lr"], "lr", owner, low=0.0)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Update every parameter that has a gradient; return ``closure()`` if given."""
        raise NotImplementedError(f"{type(self).__name__} does not implement step")

    # -- groups --------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with its own hyperparameters, to optimize.

        Parameters
        ----------
        param_group : dict
            ``"params"`` (a Parameter or an iterable of them) and optional
            hyperparameters; missing ones are taken from ``defaults``.

        Raises
        ------
        TypeError
            If the group is not a dict or holds something that is not a Parameter.
        ValueError
            If it has no ``"params"``, a parameter is already optimized, or a
            hyperparameter is out of range.
        """
        owner = type(self).__name__
        index = len(self.param_groups)
        where = f"{owner} param_groups[{index}]"
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{where} is a {type(param_group).__name__}; expected a dict with a 'params' entry"
            )
        if "params" not in param_group:
            raise ValueError(f"{where} has no 'params' entry; expected a dict with one")
        params = param_group["params"]
        if isinstance(params, (Parameter, Tensor)):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                f"{where}['params'] is a set, whose order changes between runs; expected a "
                "list or another ordered iterable of Parameters"
            )
        else:
            params = list(params)
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        offset = sum(len(group["params"]) for group in self.param_groups)
        for position, param in enumerate(params):
            refusal = _refusal(param)
            if refusal is not None:
                raise type(refusal)(f"{owner}: params[{offset + position}] {refusal}")
            if id(param) in seen:
                raise ValueError(
                    f"{owner}: params[{offset + position}] appears more than once; expected "
                    "each Parameter once, in a single group"
                )
            seen.add(id(param))
        options = {key: value for key, value in param_group.items() if key != "params"}
        for key, value in self.defaults.items():
            options.setdefault(key, value)
        self.param_groups.append(ParamGroup(self._check_options, where, params, options))

    def _params(self) -> Iterator[tuple[int, ParamGroup, Param]]:
        """Every parameter with its position across all groups, and its group."""
        index = 0
        for group in self.param_groups:
            for param in group["params"]:
                yield index, group, param
                index += 1

    def _grads(self) -> list[tuple[ParamGroup, Param, Array]]:
        """``(group, param, grad)`` for each parameter with a gradient, checked first.

        Every gradient is checked for its shape and for NaN and infinity
        before any parameter moves, so a bad one leaves the whole model
        untouched. The gradient is returned in the parameter's dtype.
        """
        found = []
        for index, group, param in self._params():
            if param.grad is None:
                continue
            grad = np.asarray(param.grad)
            if grad.shape != param.data.shape or first_nonfinite(grad) is not None:
                owner, name = f"{type(self).__name__}.step", f"the gradient of parameter {index}"
                check_shape(grad, param.data.shape, name, owner)
                check_finite(grad, name, owner)
            found.append((group, param, grad.astype(param.data.dtype, copy=False)))
        return found

    # -- gradients -----------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters.

        Parameters
        ----------
        set_to_none : bool, default True
            Set ``.grad`` to None (the next backward pass creates it afresh,
            and :meth:`step` skips the parameter until then) instead of
            filling it with zeros in place.
        """
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.fill(0)

    # -- checkpoints ---------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state: per-parameter state and hyperparameters, by position.

        Returns
        -------
        dict
            ``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``
            with copies of all arrays.
        """
        positions = {id(param): index for index, _, param in self._params()}
        state = {
            positions[id(param)]: copy.deepcopy(values) for param, values in self.state.items()
        }
        groups = []
        for group in self.param_groups:
            packed = {key: copy.deepcopy(value) for key, value in group.items() if key != "params"}
            packed["params"] = [positions[id(param)] for param in group["params"]]
            groups.append(packed)
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a checkpoint made by :meth:`state_dict` of the same kind of optimizer.

        The state dict may come straight from a file: ``nnlib.save`` stores
        it and ``nnlib.load`` returns it with the same types (``betas`` a
        tuple, step counts ints); a step count stored as a 0-d integer array
        is accepted too.

        Raises
        ------
        ValueError
            If the groups or the arrays do not match this optimizer's parameters.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{owner}: expected a dict with keys 'param_groups' and 'state'")
        saved_groups = state_dict["param_groups"]
        check_layout(saved_groups, self.param_groups, owner)
        new_groups = []
        for i, saved in enumerate(saved_groups):
            options = {
                key: copy.deepcopy(value) for key, value in saved.items() if key != "params"
            }
            missing = [key for key in self.defaults if key not in options]
            if missing:
                raise ValueError(
                    f"{owner}: param_groups[{i}] in the checkpoint lacks {missing}; expected a "
                    f"checkpoint of a {type(self).__name__}"
                )
            self._check_options(options, f"{owner} param_groups[{i}]")
            new_groups.append(options)
        # Saved indices map to this optimizer's parameters group by group, in order.
        params = {
            saved_index: param
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
            for saved_index, param in zip(saved["params"], group["params"], strict=True)
        }
        new_state = restored_state(state_dict["state"], params, owner)
        # Everything checked: now replace, keeping this optimizer's Parameter objects.
        for options, group in zip(new_groups, self.param_groups, strict=True):
            options["params"] = group["params"]
            group.clear()
            group.update(options)
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
