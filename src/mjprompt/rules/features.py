"""What a prompt has, for the rules' triggers: one walk per prompt, neutral features only.

A feature says what a prompt has, never what is wrong with it: the canonical names of
its parameters, and a few lexical facts (it has text, a `{`, a `://` in the text, a
word of the text that starts with a dash…). A rule declares on itself which features
it needs to have anything to report (``@rule(..., triggers=...)``); the lint driver
skips it on prompts without them. What only the rule can judge about one parameter (a
value out of range, punctuation after a value) is the rule's own test, given as
``any_parameter(test)`` (``any_image(test)`` for image prompts): the walk runs the
tests of the selected rules on each parameter, and remembers the outcome by the
parameter's text (a dataset writes the same parameters over and over: 78% of the
corpus's parameters repeat an earlier one).

Features are names where rules declare them and bits where the walk collects them:
``has |= bit`` is cheaper than adding strings to a set, and the driver remembers the
rules to run per feature set, keyed by one int.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .._lazy_re import lazy_pattern
from .._memo import remember
from .._record import Record
from ..ast import ImageRef, Parameter, Prompt, TextChunk, TextPart, Weight
from ..params import PARAMS
from ..profiles import BY_NAME as PROFILE_ROWS

__all__ = [
    "BRACES",
    "CLOSING_BRACE",
    "CONTROL",
    "CONTROL_CHARS",
    "DASHES",
    "DASH_WORD_IN_TEXT",
    "DOTTED_FIRST_WORD",
    "DOUBLE_HYPHEN_IN_TEXT",
    "DUPLICATE",
    "EM_DASH",
    "FEATURE_BITS",
    "IMAGES",
    "LONG",
    "NO_NAME",
    "NO_TEXT",
    "SLASH",
    "TEXT",
    "UNKNOWN",
    "URL_IN_TEXT",
    "WEIGHTS",
    "ImageCheck",
    "ParameterCheck",
    "ParameterTest",
    "RuleTests",
    "any_image",
    "any_parameter",
    "feature_names",
    "prompt_features",
]

# Dashes that stand for a marker in prose copied from word processors and chat apps:
# hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal
# bar, minus sign, small and full-width hyphen-minus.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"

# The features besides the canonical names of the parameters.
UNKNOWN = "@unknown"  # a parameter whose name is not in the table
NO_NAME = "@no-name"  # a marker with no name after it
DUPLICATE = "@duplicate"  # a parameter given twice (also through an alias)
TEXT = "@text"  # a text prompt
NO_TEXT = "@no-text"  # no text prompt
IMAGES = "@images"  # image prompts
BRACES = "@braces"  # a `{`
CLOSING_BRACE = "@closing-brace"  # a `}`
WEIGHTS = "@weights"  # a `::` weight in the text
EM_DASH = "@em-dash"  # an em dash `—`
SLASH = "@slash"  # the prompt starts with `/`
CONTROL = "@control"  # a control character other than tab and line breaks
URL_IN_TEXT = "@url-in-text"  # a `://` in the text
DOUBLE_HYPHEN_IN_TEXT = "@double-hyphen-in-text"  # a `--` in a chunk of text
DASH_WORD_IN_TEXT = "@dash-word-in-text"  # a word of the last text chunk starts with a dash
DOTTED_FIRST_WORD = "@dotted-first-word"  # a `.` or `:` in the first word of the text
LONG = "@long"  # longer than half the shortest length limit of the profiles

_NAMED = (
    UNKNOWN,
    NO_NAME,
    DUPLICATE,
    TEXT,
    NO_TEXT,
    IMAGES,
    BRACES,
    CLOSING_BRACE,
    WEIGHTS,
    EM_DASH,
    SLASH,
    CONTROL,
    URL_IN_TEXT,
    DOUBLE_HYPHEN_IN_TEXT,
    DASH_WORD_IN_TEXT,
    DOTTED_FIRST_WORD,
    LONG,
)
_PARAM_NAMES = tuple(dict.fromkeys(spec.name for spec in PARAMS))
_ORDER = (*_PARAM_NAMES, *_NAMED)
# Every feature's bit; the bits above these are the rules' parameter tests (per plan).
FEATURE_BITS: Mapping[str, int] = {name: 1 << i for i, name in enumerate(_ORDER)}


def feature_names(bits: int) -> set[str]:
    """The names of the features set in ``bits`` (for tests and debugging)."""
    return {name for name, b in FEATURE_BITS.items() if bits & b}


# -- the rules' own tests of one parameter ---------------------------------------------

# Whether one parameter may give a rule a finding, in a profile (by name). It must hold
# for every parameter the rule reports on (the rule may still find nothing).
ParameterTest = Callable[[Parameter, str], bool]


class ParameterCheck(Record):
    """A trigger that is a rule's own test of each parameter (``any_parameter``).

    ``names``: the canonical names of the parameters it looks at (None: every parameter,
    unknown names included). Rules that share a check share its bit and its runs.
    """

    __slots__ = ("test", "names")  # noqa: RUF023 - field order
    test: ParameterTest
    names: frozenset[str] | None

    def __init__(self, test: ParameterTest, names: frozenset[str] | None = None) -> None:
        self._set_fields(test, names)


def any_parameter(test: ParameterTest, *, names: Iterable[str] | None = None) -> ParameterCheck:
    """A trigger that holds when ``test`` holds for some parameter of the prompt."""
    return ParameterCheck(test, None if names is None else frozenset(names))


class ImageCheck(Record):
    """A trigger that is a rule's own test of each image prompt's URL (``any_image``)."""

    __slots__ = ("test",)
    test: Callable[[str], bool]

    def __init__(self, test: Callable[[str], bool]) -> None:
        self._set_fields(test)


def any_image(test: Callable[[str], bool]) -> ImageCheck:
    """A trigger that holds when ``test`` holds for the URL of some image prompt."""
    return ImageCheck(test)


_MEMO_LIMIT = 4096  # parameter texts remembered per plan; past it the memo starts again
_MEMO_TEXT_LIMIT = 200  # longer parameters (a long `--no` list) are not remembered


class RuleTests:
    """The rules' own tests of one plan (each check with its bit), and what they found.

    ``needs``: the feature bits the selected rules' triggers read; the walk looks only
    for those lexical facts. The outcome for one parameter depends only on its text and
    the profile, so it is remembered per parameter text (not for a parameter with a
    brace: whether it holds a group depends on the braces of the whole prompt).
    """

    __slots__ = (
        "_by_name",
        "_every",
        "_images",
        "dash_word",
        "dotted",
        "image_memo",
        "memo",
        "needs",
        "profile",
        "source_facts",
        "text_facts",
    )

    def __init__(
        self,
        checks: Mapping[ParameterCheck, int],
        image_checks: Mapping[ImageCheck, int],
        profile: str,
        needs: int = -1,
    ) -> None:
        self.profile = profile
        # The feature bits some selected rule's trigger reads (-1: all of them).
        self.needs = needs
        # The groups of lexical facts the walk looks for, as booleans: `needs` is a
        # 90-bit int, and each `needs & bit` of the walk allocated one (20 ns; four a
        # prompt).
        self.text_facts = bool(needs & _TEXT_FACTS)
        self.source_facts = bool(needs & _SOURCE_FACTS)
        self.dotted = bool(needs & _DOTTED_FIRST_WORD)
        self.dash_word = bool(needs & _DASH_WORD)
        self._images = tuple((bit, c.test) for c, bit in image_checks.items())
        every = tuple((bit, c.test) for c, bit in checks.items() if c.names is None)
        self._every = every
        self._by_name = {
            name: every
            + tuple((bit, c.test) for c, bit in checks.items() if c.names and name in c.names)
            for name in _PARAM_NAMES
        }
        # Feature bits per parameter text (read by the walk, filled by `bits`).
        self.memo: dict[str, int] = {}
        # The bits of the image tests per image prompt text.
        self.image_memo: dict[str, int] = {}

    def bits(self, p: Parameter) -> int:
        """The feature bits of one parameter: its name's (at most one), its tests'..."""
        raw = p.raw
        found = self.memo.get(raw)
        if found is None:
            found = self._bits(p)
            if len(raw) <= _MEMO_TEXT_LIMIT and "{" not in raw and "}" not in raw:
                remember(self.memo, raw, found, _MEMO_LIMIT)
        return found

    def image_bits(self, images: Sequence[ImageRef]) -> int:
        """The bits of the image tests that hold for some image prompt."""
        has = _IMAGES
        memo = self.image_memo
        for image in images:
            # Remembered per image text, like the parameters: the corpus's image prompts
            # are 457 links of 249 texts (2.4 us per prompt with images; 0.26 remembered).
            raw = image.raw
            found = memo.get(raw)
            if found is None:
                url = image.url
                found = 0
                for bit, test in self._images:
                    if test(url):
                        found |= bit
                remember(memo, raw, found, _MEMO_LIMIT)
            has |= found
        return has

    def _bits(self, p: Parameter) -> int:
        spec = p.spec
        if spec is None:
            has = _UNKNOWN if p.name else _NO_NAME
            tests = self._every
        else:
            has = FEATURE_BITS[spec.name]
            tests = self._by_name[spec.name]
        profile = self.profile
        for bit, test in tests:
            if test(p, profile):
                has |= bit
        return has


# -- the walk ---------------------------------------------------------------------------

_UNKNOWN = FEATURE_BITS[UNKNOWN]
_NO_NAME = FEATURE_BITS[NO_NAME]
_DUPLICATE = FEATURE_BITS[DUPLICATE]
_TEXT = FEATURE_BITS[TEXT]
_NO_TEXT = FEATURE_BITS[NO_TEXT]
_IMAGES = FEATURE_BITS[IMAGES]
_BRACES = FEATURE_BITS[BRACES]
_CLOSING_BRACE = FEATURE_BITS[CLOSING_BRACE]
_WEIGHTS = FEATURE_BITS[WEIGHTS]
_EM_DASH = FEATURE_BITS[EM_DASH]
_SLASH = FEATURE_BITS[SLASH]
_CONTROL = FEATURE_BITS[CONTROL]
_URL_IN_TEXT = FEATURE_BITS[URL_IN_TEXT]
_DOUBLE_HYPHEN = FEATURE_BITS[DOUBLE_HYPHEN_IN_TEXT]
_DASH_WORD = FEATURE_BITS[DASH_WORD_IN_TEXT]
_DOTTED_FIRST_WORD = FEATURE_BITS[DOTTED_FIRST_WORD]
_LONG = FEATURE_BITS[LONG]
_NAME_BITS = sum(FEATURE_BITS[name] for name in _PARAM_NAMES)
# The facts of the text (besides TEXT itself) and of the whole source: the walk skips
# each group when no selected rule needs it.
_TEXT_FACTS = _WEIGHTS | _URL_IN_TEXT | _DOUBLE_HYPHEN | _DASH_WORD | _DOTTED_FIRST_WORD
_SOURCE_FACTS = _BRACES | _CLOSING_BRACE | _LONG | _SLASH | _CONTROL | _EM_DASH

_SHORTEST_LIMIT = min(p.max_length for p in PROFILE_ROWS.values())
# A dash after whitespace in the last text chunk.
_TEXT_DASH = lazy_pattern(rf"(?<!\S)[{DASHES}]")
_ANY_DASH = lazy_pattern(rf"[{DASHES}]")
CONTROL_CHARS = lazy_pattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A `.` or `:` before the first space: one match instead of three `find`s (0.19 vs 0.30
# us per corpus text that has a `.` or `:`).
_DOTTED_WORD = lazy_pattern(r"[^ .:]*[.:]")
# The ASCII characters that are not control characters.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_SAME_BYTES = bytes(range(256))


def prompt_features(prompt: Prompt, tests: RuleTests) -> int:
    """Walk the prompt once; return what it has (feature bits, see :data:`FEATURE_BITS`).

    Only the lexical facts some selected rule needs are looked for (``tests.needs``):
    with ``--select MJ3`` the walk reads the parameters alone.
    """
    source = prompt.source
    has = 0
    memo = tests.memo
    for p in prompt.params:
        found = memo.get(p.raw) or tests.bits(p)  # never 0: a name, UNKNOWN or NO_NAME
        if has & found & _NAME_BITS:  # a name given twice, also through an alias
            has |= _DUPLICATE
        has |= found
    images = prompt.images
    if images:
        has |= tests.image_bits(images)
    text = prompt.text
    if not text:
        has |= _NO_TEXT
    elif tests.text_facts:
        has |= _TEXT | _text(text, source, tests.dotted, tests.dash_word)
    else:
        has |= _TEXT
    if tests.source_facts:
        has |= _source(source)
    return has


def _source(source: str) -> int:
    """What the whole source has: a few C-speed tests."""
    has = 0
    if "{" in source:
        has |= _BRACES
    if "}" in source:
        has |= _CLOSING_BRACE
    if 2 * len(source) > _SHORTEST_LIMIT:
        has |= _LONG
    if source.startswith("/"):
        has |= _SLASH
    if source.isascii():
        # Delete the printable characters: what is left is a control character (measured
        # faster than `isprintable()` on ASCII text: both passes run at memory speed).
        # (An identity table rather than None: 180 instead of 215 ns on the corpus.)
        if source.encode().translate(_SAME_BYTES, _PRINTABLE_ASCII):
            has |= _CONTROL
    else:
        if "\u2014" in source:
            has |= _EM_DASH
        # isprintable() is false for every control character (and for line breaks and
        # non-ASCII spaces): the regular expression only runs on those few prompts.
        if not source.isprintable() and CONTROL_CHARS.search(source):
            has |= _CONTROL
    return has


def _text(text: Sequence[TextPart], source: str, dotted: bool, dash_word: bool) -> int:
    """What the text has: `::` weights, a `--`, a `://`, a dotted first word (looked for
    when ``dotted``), a word that starts with a dash (when ``dash_word``)..."""
    has = 0
    first = text[0]
    if first.__class__ is TextChunk:
        raw = first.raw
        # Two memchr first: 84% of the corpus's texts have neither `.` nor `:` at all.
        if dotted and ("." in raw or ":" in raw) and _DOTTED_WORD.match(raw):
            has |= _DOTTED_FIRST_WORD
        if len(text) == 1:
            # Most prompts: one chunk, whose text is the whole text (its `raw`).
            if "-" in raw:  # a memchr: most texts have no hyphen
                if "--" in raw:
                    has |= _DOUBLE_HYPHEN
                if dash_word and _dash_word(raw):
                    has |= _DASH_WORD
            elif dash_word and not raw.isascii() and _dash_word(raw):
                has |= _DASH_WORD
            if ":" in raw and "://" in raw:  # a memchr first, as above
                has |= _URL_IN_TEXT
            return has
    for part in text:
        if part.__class__ is TextChunk:
            raw = part.raw
            if "-" in raw and "--" in raw:  # the first test is a memchr: most texts fail it
                has |= _DOUBLE_HYPHEN
        elif part.__class__ is Weight:
            has |= _WEIGHTS
    last = text[-1]
    if dash_word and last.__class__ is TextChunk and _dash_word(last.raw):
        has |= _DASH_WORD
    start, end = first.span.start, last.span.end
    if source.find(":", start, end) != -1 and source.find("://", start, end) != -1:
        has |= _URL_IN_TEXT
    return has


def _dash_word(raw: str) -> bool:
    """A dash at the start of ``raw`` or after whitespace (as `_TEXT_DASH` finds)."""
    if raw.isascii():
        # In ASCII the only dash is `-`: look at the character before each one. The
        # regular expression tries its lookbehind at every character; on the corpus's
        # texts with a hyphen (1.7 per text) this takes 0.30 us instead of 3.2.
        i = raw.find("-")
        while i != -1:
            if i == 0 or raw[i - 1].isspace():
                return True
            i = raw.find("-", i + 1)
        return False
    # Elsewhere, the same test at each dash the search finds: 1.4 us instead of 3.6 on
    # the corpus's non-ASCII texts.
    for m in _ANY_DASH.finditer(raw):
        i = m.start()
        if i == 0 or raw[i - 1].isspace():  # `\s` of the expression is `str.isspace`
            return True
    return False
