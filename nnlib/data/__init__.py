r"""Data handling for training: mini-batches, splits, one-hot codes, standardisation.

Everything works on in-memory NumPy arrays with vectorised indexing: a batch
is one fancy-indexing operation per array, never a Python loop over samples.
Used in the chapter *Backpropagation and training a network*.
"""

from nnlib.data.loader import DataLoader
from nnlib.data.preprocessing import StandardScaler, one_hot
from nnlib.data.split import train_test_split

__all__ = ["DataLoader", "StandardScaler", "one_hot", "train_test_split"]
