"""``Module``: the base class of every layer, activation, loss and model.

The class lives in ``_module.py``; the checks it runs on its tree and on
saved values in ``_checks.py``, and the conversion and checking of a state
dict (parameters and buffers) in ``_state.py``.
"""

from nnlib.module._module import Module

__all__ = ["Module"]
