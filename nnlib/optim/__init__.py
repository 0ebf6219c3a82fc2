"""Optimizers and learning-rate schedules, with PyTorch's names, defaults and arithmetic.

Derived and verified in the chapter *Optimizers*. ``nnlib.optim.SGD``
mirrors ``torch.optim.SGD``, and ``nnlib.optim.lr_scheduler`` mirrors
``torch.optim.lr_scheduler``.
"""

from nnlib.optim import lr_scheduler
from nnlib.optim.adagrad import Adagrad
from nnlib.optim.adam import Adam
from nnlib.optim.adamw import AdamW
from nnlib.optim.optimizer import Optimizer
from nnlib.optim.rmsprop import RMSprop
from nnlib.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
