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
the base this one extends (:mod:`mjprompt._immutable`), which has no ``replace`` and
pickles through the constructor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._immutable import Immutable, setters

if TYPE_CHECKING:  # annotations only: `typing` is not imported at run time
    from collections.abc import Callable
    from typing import Any, ClassVar, TypeVar

    _R = TypeVar("_R", bound="Record")

__all__ = ["Record", "setters"]


class Record(Immutable):
    """Fields are the names in ``__slots__`` (a subclass's own, after its bases'); one
    field is enough. Equality, hashing, ``repr`` and immutability are
    :class:`~mjprompt._immutable.Immutable`'s."""

    __slots__ = ()
    _min_fields = 1
    # Each field's slot descriptor's `__set__`, in field order.
    _setters: ClassVar[tuple[Callable[[Any, Any], None], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A slot's member descriptor, read from the class, is the field's setter.
        cls._setters = tuple(getattr(cls, name).__set__ for name in cls._fields)

    def _values(self) -> tuple[Any, ...]:
        """The fields' values, in field order."""
        got = self._get(self)
        return got if len(self._fields) > 1 else (got,)

    def _set_fields(self, *values: Any) -> None:
        """Store the fields, in ``__slots__`` order (for ``__init__``)."""
        for set_field, value in zip(self._setters, values, strict=True):
            set_field(self, value)

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
