"""The base of the AST nodes and of ``Span``: small immutable ``__slots__`` classes.

A parse builds several nodes per token, so their constructor is on the hot path. An
attrs frozen class sets each field through ``object.__setattr__``; these classes set
them through the slots' own descriptors (fetched once with :func:`setters`), which is
about a third cheaper, and need no class generation at import (cold start). Assigning
or deleting a field afterwards raises, as on an attrs frozen class.

A class may list its fields itself (``_fields``) when some of them are properties filled
on first use from private slots (``ast.Parameter``'s values): equality, hashing,
``repr`` and pickling then read them through the properties.

Equality compares the class and the fields (a ``TextChunk`` never equals a ``Value``
with the same span and text); hashing, ``repr`` (``Name(field=value, ...)``, as attrs
writes it) and pickling (``__reduce__``: a constructor call, which ``check --jobs``
uses to send results between processes) go by the fields in ``__slots__`` order.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar

__all__ = ["Immutable", "setters"]


class _PythonClass(type):
    """The metaclass of the immutable classes. It changes nothing at run time; it tells
    mypyc (the opt-in compiled build, tools/hatch_mypyc.py) to leave a subclass defined
    in a compiled module a regular Python class: mypyc compiles into native classes only
    those whose metaclass it knows, and a native class has no ``__slots__`` for
    :meth:`Immutable.__init_subclass__` to read, nor a ``__setattr__`` that is called."""


class Immutable(metaclass=_PythonClass):
    """Fields are the names in ``__slots__`` (a subclass's own, after its bases'), unless
    the class sets ``_fields`` itself."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    # The fields' values as a tuple (an attrgetter: called with the instance); with one
    # field, the field's value itself (a subclass allowing that, `_record.Record`, says so
    # in `_min_fields` and pickles otherwise).
    _get: ClassVar[attrgetter[tuple[Any, ...]]]
    # `__reduce__` passes `_get`'s tuple to the constructor: at least two fields.
    _min_fields: ClassVar[int] = 2

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_min_fields" in cls.__dict__:  # a base of its own (`Record`): no fields yet
            return
        fields: list[str] = list(cls.__dict__.get("_fields", ()))
        if not fields:
            for klass in reversed(cls.__mro__):
                fields.extend(klass.__dict__.get("__slots__", ()))
        cls._fields = tuple(fields)
        if len(fields) < cls._min_fields:
            least = ("one field", "two fields")[cls._min_fields - 1]
            raise TypeError(f"{cls.__name__} needs at least {least}")
        cls._get = attrgetter(*fields)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        get = self._get
        return get(self) == get(other)

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        get = self._get
        return get(self) != get(other)

    def __hash__(self) -> int:
        return hash((self.__class__, self._get(self)))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.__class__, self._get(self)


def setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot descriptors' ``__set__`` of ``names`` on ``cls``, for its ``__init__``
    (they also set the field on instances of subclasses)."""
    return tuple(cls.__dict__[name].__set__ for name in names)
