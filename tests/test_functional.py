"""nnlib.functional only gathers names: each is the very object of its topic module."""

from __future__ import annotations

import importlib

import pytest

import nnlib.functional as F

# torch.nn.functional names and the nnlib module that defines each.
HOMES = {
    "sigmoid": "nnlib.activations",
    "tanh": "nnlib.activations",
    "relu": "nnlib.activations",
    "leaky_relu": "nnlib.activations",
    "elu": "nnlib.activations",
    "selu": "nnlib.activations",
    "gelu": "nnlib.activations",
    "softplus": "nnlib.activations",
    "silu": "nnlib.activations",
    "softmax": "nnlib.activations",
    "log_softmax": "nnlib.activations",
}


@pytest.mark.parametrize("name", F.__all__)
def test_every_listed_name_exists_and_is_callable(name: str) -> None:
    assert callable(getattr(F, name))


@pytest.mark.parametrize("name", F.__all__)
def test_names_are_the_topic_modules_objects(name: str) -> None:
    function = getattr(F, name)
    home = importlib.import_module(function.__module__)
    assert getattr(home, name) is function, f"{name} is a copy, not {home.__name__}.{name}"
    if name in HOMES:
        assert getattr(importlib.import_module(HOMES[name]), name) is function


def test_all_activation_functions_are_listed() -> None:
    assert set(HOMES) <= set(F.__all__)


def test_all_is_sorted_and_unique() -> None:
    assert list(F.__all__) == sorted(set(F.__all__))


def test_public_names_are_exactly_all() -> None:
    # (pytest's assertion rewriting may add "@py_builtins"; not identifiers.)
    public = {name for name in vars(F) if name.isidentifier() and not name.startswith("_")}
    assert public == set(F.__all__)
