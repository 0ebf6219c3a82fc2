"""A nested structure as JSON plus numbered arrays, and back, without pickle.

The JSON document is ``{"format": "nnlib.tree", "version": 1, "root": node}``
where each node is an object with exactly one key, its kind:

* ``{"none": null}``, ``{"bool": true}``, ``{"str": "..."}``;
* ``{"int": "12345"}``: the decimal digits, so any size survives (PCG64
  states are 128-bit integers);
* ``{"float": "0x1.999999999999ap-4"}``: :meth:`float.hex`, exact, with
  ``"nan"``, ``"inf"`` and ``"-inf"`` for what JSON cannot hold;
* ``{"list": [node, ...]}``, ``{"tuple": [node, ...]}``;
* ``{"dict": [[key, node], ...]}`` with each key ``{"str": ...}`` or
  ``{"int": ...}``, in insertion order;
* ``{"array": "3.npy"}`` and ``{"scalar": "4.npy"}``: a member of the
  archive holding an array, or a NumPy scalar stored as a 0-d array.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FORMAT", "VERSION", "decode", "encode"]

FORMAT = "nnlib.tree"
VERSION = 1
_MAX_DEPTH = 100


def encode(obj: Any, owner: str) -> tuple[dict[str, Any], dict[str, NDArray[Any]]]:
    """The JSON document describing ``obj`` and the arrays it refers to, by member name."""
    arrays: dict[str, NDArray[Any]] = {}
    root = _encode(obj, "obj", arrays, set(), owner)
    return {"format": FORMAT, "version": VERSION, "root": root}, arrays


def _encode(
    value: Any, where: str, arrays: dict[str, NDArray[Any]], open_ids: set[int], owner: str
) -> dict[str, Any]:
    if value is None:
        return {"none": None}
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, np.generic):  # before int and float: np.float64 is a float
        if value.dtype.kind not in "biuf":
            raise TypeError(f"{owner}: {where} is a {type(value).__name__}; {_EXPECTED}")
        return {"scalar": _store(np.asarray(value), arrays)}
    if isinstance(value, int):
        return {"int": str(int(value))}
    if isinstance(value, float):
        return {"float": float(value).hex()}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(
                f"{owner}: {where} has dtype {value.dtype}; expected a numeric array (bool, "
                "int or float; other dtypes would need pickle, which this format refuses)"
            )
        return {"array": _store(value, arrays)}
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in open_ids:
            raise ValueError(f"{owner}: {where} contains itself; expected a tree, not a cycle")
        if len(open_ids) >= _MAX_DEPTH:
            raise ValueError(
                f"{owner}: {where} is nested too deeply; expected at most {_MAX_DEPTH} levels"
            )
        open_ids.add(id(value))
        try:
            if isinstance(value, Mapping):
                pairs = [
                    [
                        _key(key, where, owner),
                        _encode(item, f"{where}[{key!r}]", arrays, open_ids, owner),
                    ]
                    for key, item in value.items()
                ]
                return {"dict": pairs}
            kind = "list" if isinstance(value, list) else "tuple"
            nodes = [
                _encode(item, f"{where}[{i}]", arrays, open_ids, owner)
                for i, item in enumerate(value)
            ]
            return {kind: nodes}
        finally:
            open_ids.discard(id(value))
    raise TypeError(f"{owner}: {where} is a {type(value).__name__}; {_EXPECTED}")


_EXPECTED = (
    "expected arrays, int, float, bool, str, None, or dicts, lists and tuples of them "
    "(save a Module's state_dict())"
)


def _key(key: Any, where: str, owner: str) -> dict[str, str]:
    if isinstance(key, str):
        return {"str": key}
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        return {"int": str(int(key))}
    raise TypeError(
        f"{owner}: {where} has the key {key!r}, a {type(key).__name__}; expected str or int keys"
    )


def _store(array: NDArray[Any], arrays: dict[str, NDArray[Any]]) -> str:
    name = f"{len(arrays)}.npy"
    arrays[name] = array
    return name


def decode(document: Any, read: Callable[[str], NDArray[Any]], where: str) -> Any:
    """Rebuild the structure; ``read(name)`` returns a member's array.

    Raises ``ValueError`` (prefixed with ``where``) for anything but the
    node kinds above.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{where}: the tree member is not an {FORMAT} document")
    if document.get("version") != VERSION:
        raise ValueError(
            f"{where}: tree format version {document.get('version')!r}; expected {VERSION} "
            "(written by a newer nnlib?)"
        )
    return _decode(document.get("root"), read, where, 0)


def _decode(node: Any, read: Callable[[str], NDArray[Any]], where: str, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise ValueError(f"{where}: the tree is nested more than {_MAX_DEPTH} levels deep")
    if not isinstance(node, dict) or len(node) != 1:
        raise ValueError(f"{where}: malformed tree node {_short(node)}; expected {{kind: value}}")
    ((kind, value),) = node.items()
    if kind == "none" and value is None:
        return None
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, str):
        return value
    if kind == "int" and isinstance(value, str):
        return _int(value, where)
    if kind == "float" and isinstance(value, str):
        return _float(value, where)
    if kind in ("array", "scalar") and isinstance(value, str):
        array = read(value)
        if kind == "array":
            return array
        if array.ndim != 0:
            raise ValueError(f"{where}: scalar member {value!r} has shape {array.shape}")
        return array[()]
    if kind in ("list", "tuple") and isinstance(value, list):
        items = [_decode(item, read, where, depth + 1) for item in value]
        return items if kind == "list" else tuple(items)
    if kind == "dict" and isinstance(value, list):
        result: dict[Any, Any] = {}
        for pair in value:
            if not isinstance(pair, list) or len(pair) != 2:
                raise ValueError(f"{where}: malformed dict entry {_short(pair)}")
            key = _decode(pair[0], read, where, depth + 1)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ValueError(f"{where}: dict key {_short(pair[0])}; expected a str or int")
            result[key] = _decode(pair[1], read, where, depth + 1)
        return result
    raise ValueError(f"{where}: unknown tree node {_short(node)}")


def _int(text: str, where: str) -> int:
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 4000):
        raise ValueError(f"{where}: malformed int {_short(text)}")
    return int(text)


def _float(text: str, where: str) -> float:
    special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    if text in special:
        return special[text]
    try:
        return float.fromhex(text)
    except (ValueError, OverflowError):
        raise ValueError(f"{where}: malformed float {_short(text)}") from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
