"""Turn the library's frozen webhook dataclasses into bytes for a shared store, and back.

Why not pickle: a store shared by several hosts (Redis) is a network service, and
unpickling what it hands back would let anyone who can write to it run code in every
worker.  This codec writes JSON and rebuilds only the classes it was told about.

How it stays robust to new fields: a codec is made for a root dataclass
(:class:`~smscodec.vonage.InboundMessage`, :class:`~smscodec.vonage.DeliveryReceipt`); it
reads the root's type hints, and those of every dataclass they mention, to learn which
dataclasses and enums a value may hold.  Values are written from the public ``init``
fields, each tagged with its kind, and rebuilt through the class's own validating
constructor.  A field added in a later version is written without any change here; a
stored record holding a field this version does not know is read without it (a rolling
deploy has old and new workers on one store), and a field missing from an older record
takes its default.

Encoding, one JSON value per Python value (a JSON object is always a tag, never a dict):
``None``, ``bool``, ``int``, ``float`` and ``str`` as themselves (lone surrogates survive:
the JSON is ASCII), lists as arrays, ``{"t": [...]}`` a tuple, ``{"m": [[k, v], ...]}`` a
mapping (rebuilt as a ``dict``), ``{"b": base64}`` bytes, ``{"d": "1.5"}`` a Decimal,
``{"dt": iso}`` a datetime, ``{"e": name, "v": value}`` an enum member, ``{"c": name,
"f": {field: value}}`` a dataclass, ``{"r": name, "a": [args]}`` another class of the
library, rebuilt as ``cls(*args)`` from what its ``__reduce__`` gives (the raw fields).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ..errors import CodecError

__all__ = ["Codec", "CodecError"]


def _classes(root: type, into: dict[str, type]) -> None:
    """Collect ``root`` and every class of this library its field hints name, recursively."""
    name = root.__qualname__
    if name in into:
        return
    into[name] = root
    if not dataclasses.is_dataclass(root):
        return
    for hint in typing.get_type_hints(root).values():
        stack: list[Any] = [hint]
        while stack:
            item = stack.pop()
            stack.extend(typing.get_args(item))
            # Only the library's own classes: builtins, datetime, Decimal have their tags.
            if isinstance(item, type) and item.__module__.split(".")[0] == "smscodec":
                _classes(item, into)


class Codec:
    """Encode and decode values of one root dataclass (see the module docstring).

    Args:
        root: the dataclass whose values are stored.

    The class table is built on first use, so making a codec at import time costs nothing.
    """

    def __init__(self, root: type) -> None:
        self._root = root
        self._table: dict[str, type] | None = None

    def _known(self) -> dict[str, type]:
        if self._table is None:
            table: dict[str, type] = {}
            _classes(self._root, table)
            self._table = table
        return self._table

    def dumps(self, value: object) -> bytes:
        """``value`` as compact ASCII JSON bytes.

        Raises:
            CodecError: a value of a type the codec cannot write.
        """
        return json.dumps(self._encode(value), ensure_ascii=True, separators=(",", ":")).encode("ascii")

    def loads(self, data: bytes | str) -> Any:
        """The value :meth:`dumps` wrote.

        Raises:
            CodecError: bytes that are not such a record (corrupt, or written by something else),
                or a record the class's own constructor refuses.
        """
        try:
            tree = json.loads(data)
        except (ValueError, TypeError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            raise CodecError(f"stored record is not JSON ({type(exc).__name__})") from None
        try:
            return self._decode(tree)
        except CodecError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError, RecursionError) as exc:
            # A record the validating constructor refuses, or a malformed tag.
            raise CodecError(f"stored record cannot be rebuilt: {type(exc).__name__}: {exc}") from None

    def _encode(self, value: object) -> Any:
        if isinstance(value, Enum):  # before int and str: IntEnum and str enums are both
            name = type(value).__qualname__
            if self._known().get(name) is not type(value):
                raise CodecError(f"cannot store a {name} (not among the types of {self._root.__qualname__})")
            return {"e": name, "v": self._encode(value.value)}
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, float)):
            return value
        cls = type(value)
        if cls.__module__.split(".")[0] == "smscodec" and not dataclasses.is_dataclass(cls):
            return self._encode_reduced(value)
        if isinstance(value, bytes):
            return {"b": base64.b64encode(value).decode("ascii")}
        if isinstance(value, Decimal):
            return {"d": str(value)}
        if isinstance(value, datetime):
            return {"dt": value.isoformat()}
        if isinstance(value, tuple):
            return {"t": [self._encode(item) for item in value]}
        if isinstance(value, list):
            return [self._encode(item) for item in value]
        if isinstance(value, Mapping):
            return {"m": [[self._encode(k), self._encode(v)] for k, v in value.items()]}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name = type(value).__qualname__
            if self._known().get(name) is not type(value):
                raise CodecError(f"cannot store a {name} (not among the types of {self._root.__qualname__})")
            return {
                "c": name,
                "f": {
                    f.name: self._encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
                },
            }
        raise CodecError(f"cannot store a value of type {type(value).__name__}")

    def _encode_reduced(self, value: object) -> Any:
        """A library class that is neither a dataclass nor an enum (a mapping with extra
        state, such as the raw webhook fields) is written as the arguments its pickle
        support gives: ``__reduce__`` must answer ``(cls, args)``."""
        name = type(value).__qualname__
        reduced = value.__reduce__() if self._known().get(name) is type(value) else None
        if not (isinstance(reduced, tuple) and len(reduced) == 2 and reduced[0] is type(value)):
            raise CodecError(f"cannot store a {name} (not among the types of {self._root.__qualname__})")
        return {"r": name, "a": [self._encode(arg) for arg in reduced[1]]}

    def _decode(self, tree: Any) -> Any:
        if isinstance(tree, list):
            return [self._decode(item) for item in tree]
        if not isinstance(tree, dict):
            return tree
        if len(tree) == 1:
            ((tag, body),) = tree.items()
            if tag == "t":
                return tuple(self._decode(item) for item in body)
            if tag == "m":
                return {self._decode(k): self._decode(v) for k, v in body}
            if tag == "b":
                return base64.b64decode(body, validate=True)
            if tag == "d":
                return Decimal(body)
            if tag == "dt":
                return datetime.fromisoformat(body)
        if set(tree) == {"e", "v"}:
            cls = self._class(tree["e"])
            if not issubclass(cls, Enum):
                raise CodecError(f"stored record names {tree['e']!r} as an enum")
            return cls(self._decode(tree["v"]))
        if set(tree) == {"r", "a"}:
            cls = self._class(tree["r"])
            if dataclasses.is_dataclass(cls) or issubclass(cls, Enum):
                raise CodecError(f"stored record names {tree['r']!r} as a plain class")
            return cls(*(self._decode(arg) for arg in tree["a"]))
        if set(tree) == {"c", "f"}:
            cls = self._class(tree["c"])
            if not dataclasses.is_dataclass(cls):
                raise CodecError(f"stored record names {tree['c']!r} as a dataclass")
            names = {f.name for f in dataclasses.fields(cls) if f.init}
            # Fields this version does not know (written by a newer worker) are left out.
            kwargs = {k: self._decode(v) for k, v in tree["f"].items() if k in names}
            return cls(**kwargs)
        raise CodecError(f"stored record holds an unknown tag {sorted(tree)[:3]!r}")

    def _class(self, name: object) -> type:
        cls = self._known().get(name) if isinstance(name, str) else None
        if cls is None:
            raise CodecError(f"stored record names an unknown type {str(name)[:40]!r}")
        return cls
