"""Saving and loading checkpoints: ``.npz`` files, no pickle, written atomically.

Used in the chapter *Backpropagation and training a network* to save a
model and to checkpoint and resume a whole training run.
"""

from nnlib.serialization._archive import load, save

__all__ = ["load", "save"]
