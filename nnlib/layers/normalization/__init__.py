"""Normalization layers: ``BatchNorm1d`` and ``LayerNorm``."""

from nnlib.layers.normalization.batchnorm import BatchNorm1d
from nnlib.layers.normalization.layernorm import LayerNorm

__all__ = ["BatchNorm1d", "LayerNorm"]
