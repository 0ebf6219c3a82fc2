r"""Weight initialisation, with the names and semantics of ``torch.nn.init``.

Every ``*_`` function fills its argument **in place** and returns it. The
argument is a :class:`~nnlib.Parameter` (its ``.data`` is filled) or a
floating-point NumPy array; the values are drawn in float64 and rounded to the
array's dtype. The variance formulas are derived in the chapter
*Backpropagation and training a network*:

* Xavier/Glorot keeps the variance of activations and of gradients equal from
  layer to layer on average, :math:`\operatorname{Var}(w) = 2/(n_{in} + n_{out})`.
* He/Kaiming keeps the second moment of ReLU activations constant,
  :math:`\operatorname{Var}(w) = 2/n_{in}` (ReLU halves it, the 2 restores it).

Differences from PyTorch: the random source is ``rng`` (a NumPy ``Generator``,
an int seed, or None for nnlib's default generator, which
:func:`~nnlib.manual_seed` seeds), nnlib's usual name; torch's name
``generator=`` is accepted as a keyword alias, but not both at once. A tensor
with a zero-sized dimension is returned unchanged without torch's warning.

References
----------
.. [1] Glorot & Bengio (2010), Understanding the difficulty of training deep
   feedforward neural networks. AISTATS.
.. [2] He, Zhang, Ren & Sun (2015), Delving deep into rectifiers. ICCV.
"""

from nnlib.init.basic import constant_, normal_, ones_, uniform_, zeros_
from nnlib.init.gain import (
    _calculate_fan_in_and_fan_out,  # noqa: F401  (PyTorch's private name, kept for ported code)
    calculate_fan_in_and_fan_out,
    calculate_gain,
)
from nnlib.init.scaled import kaiming_normal_, kaiming_uniform_, xavier_normal_, xavier_uniform_

__all__ = [
    "calculate_fan_in_and_fan_out",
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
