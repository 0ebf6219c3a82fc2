"""Training: the ``fit`` loop and evaluation helpers.

Used in the chapter *Backpropagation and training a network* to train a
multilayer perceptron on real data.
"""

from nnlib.train.history import History
from nnlib.train.loop import fit
from nnlib.train.metrics import accuracy, confusion_matrix, predict, predicted_labels

__all__ = ["History", "accuracy", "confusion_matrix", "fit", "predict", "predicted_labels"]
