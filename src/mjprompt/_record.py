"""The base of the small immutable models outside the AST: plain ``__slots__`` classes.

They replace attrs frozen classes on the path of ``mjprompt check -p``: attrs builds each
class at import (about half a millisecond apiece, some forty classes) and imports
``inspect``, ``platform`` and ``typing`` on the way, which was a third of a one-prompt
check's start (issue 17, cold start). A subclass names its fields in ``__slots__`` and
writes its own typed ``__init__``, which stores them with :meth:`Record._set_fields`, or,
in a record built per prompt or per finding, through each slot's setter (:func:`setters`,
as the AST nodes do: 300 ns for four fields instead of 800).

What the attrs classes gave and the code or the tests rely on is kept: equality (same
class, equal fields), hashing, an attrs-style ``repr`` (``Name(field=value, ...)``),
pickling (``check --jobs`` sends items and results between processes), assignment and
deletion raising, and :meth:`Record.replace` (``attrs.evolve``). The AST nodes have
their own, faster base (:mod:`mjprompt._immutable`): a parse builds millions of them.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from ._immutable import setters

if TYPE_CHECKING:  # annotations only: `typing` is not imported at run time
    from collections.abc import Callable
    from typing import Any, ClassVar, TypeVar

    _R = TypeVar("_R", bound="Record")

__all__ = ["Record", "setters"]


class Record:
    """Fields are the names in ``__slots__`` (a subclass's own, after its bases')."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    # Each field's slot descriptor's `__set__`, in field order.
    _setters: ClassVar[tuple[Callable[[Any, Any], None], ...]] = ()
    # The fields' values, given the instance: a tuple, or the value of a lone field.
    _get: ClassVar[attrgetter[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        setters: list[Callable[[Any, Any], None]] = []
        for klass in reversed(cls.__mro__):
            for name in klass.__dict__.get("__slots__", ()):
                fields.append(name)
                setters.append(klass.__dict__[name].__set__)
        if not fields:
            raise TypeError(f"{cls.__name__}: a Record has at least one field")
        cls._fields = tuple(fields)
        cls._setters = tuple(setters)
        cls._get = attrgetter(*fields)

    def _values(self) -> tuple[Any, ...]:
        """The fields' values, in field order."""
        got = self._get(self)
        return got if len(self._fields) > 1 else (got,)

    def _set_fields(self, *values: Any) -> None:
        """Store the fields, in ``__slots__`` order (for ``__init__``)."""
        for set_field, value in zip(self._setters, values, strict=True):
            set_field(self, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable (cannot delete {name!r})")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        get = self._get
        return bool(get(self) == get(other))

    def __ne__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        get = self._get
        return bool(get(self) != get(other))

    def __hash__(self) -> int:
        return hash((self.__class__, self._get(self)))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return _rebuild, (self.__class__, self._values())

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with the named fields changed (what ``attrs.evolve`` did)."""
        unknown = changes.keys() - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        fields = zip(self._fields, self._values(), strict=True)
        values = [changes.get(name, value) for name, value in fields]
        return _rebuild(self.__class__, values)


def _rebuild(cls: type[_R], values: Any) -> _R:
    # Not through __init__, whose signature is the subclass's own (keyword-only, defaults).
    obj = object.__new__(cls)
    obj._set_fields(*values)
    return obj
