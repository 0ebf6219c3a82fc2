r"""Learning-rate schedules: change each group's ``lr`` once per epoch (or step).

Each scheduler follows PyTorch's *chainable* form: :meth:`LRScheduler.step`
multiplies (or otherwise updates) the **current** ``group["lr"]`` rather
than recomputing it from the initial rate, so schedulers compose and the
learning rates agree with ``torch.optim.lr_scheduler`` to the last bit of
their arithmetic. The closed forms in the docstrings are what those
recursions equal in exact arithmetic.

Differences from PyTorch (all schedulers): there is no ``last_epoch``
argument (resume with :meth:`LRScheduler.load_state_dict` instead), no
deprecated ``step(epoch)``, and no warning when ``step`` is called before
the optimizer's ``step``; hyperparameters are checked.
"""

from nnlib.optim.lr_scheduler.annealing import CosineAnnealingLR, LinearLR
from nnlib.optim.lr_scheduler.multiplicative import ExponentialLR, MultiStepLR, StepLR
from nnlib.optim.lr_scheduler.scheduler import LambdaLR, LRScheduler

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "StepLR",
]
