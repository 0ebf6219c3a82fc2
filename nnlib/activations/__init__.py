"""Activation functions: modules and their functional forms.

One submodule per family, each explained in the chapter *Activation
functions*: ``sigmoidal`` (Sigmoid, Tanh), ``rectifiers`` (ReLU, LeakyReLU,
Softplus), ``exponential`` (ELU, SELU), ``gated`` (SiLU, GELU) and
``softmaxes`` (Softmax, LogSoftmax). The functional forms are also collected,
under PyTorch's names, in :mod:`nnlib.functional`.
"""

from nnlib.activations._base import ElementwiseActivation
from nnlib.activations.exponential import ELU, SELU, elu, selu
from nnlib.activations.gated import GELU, SiLU, gelu, silu
from nnlib.activations.rectifiers import LeakyReLU, ReLU, Softplus, leaky_relu, relu, softplus
from nnlib.activations.sigmoidal import Sigmoid, Tanh, sigmoid, tanh
from nnlib.activations.softmaxes import LogSoftmax, Softmax, log_softmax, softmax

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "ElementwiseActivation",
    "LeakyReLU",
    "LogSoftmax",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
    "elu",
    "gelu",
    "leaky_relu",
    "log_softmax",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]
