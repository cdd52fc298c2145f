"""MJ2xx: prompt structure. Images, text, length, `::` weights and permutations."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._lazy_re import lazy_pattern
from ..ast import Parameter, Permutation, TextChunk, Value, Weight
from ..diagnostics import Edit, Fix, Span
from ..expand import DEFAULT_LIMIT, MAX_NESTING, count_expansions, group_count, nesting_depth
from ..parsing import iter_permutations
from .base import Context, E, W, any_image, any_parameter, rule
from .common import groups, without_punctuation
from .features import (
    BRACES,
    CONTROL,
    CONTROL_CHARS,
    DOTTED_FIRST_WORD,
    IMAGES,
    LONG,
    NO_TEXT,
    URL_IN_TEXT,
    WEIGHTS,
)
from .syntax import IMAGINE_PREFIX

_URL_IN_TEXT = lazy_pattern(r"(?<!\S)<?https?://[^\s>]+>?", re.IGNORECASE)
# A local file at the start of the prompt: a file:// URL, or a word that ends in an
# image extension and is no URL (`C:\pics\cat.png`, `./cat.jpg`, `cat.webp`).
_LOCAL_PATH = lazy_pattern(
    r"(?:file://\S*|(?![a-z][a-z0-9+.-]*://)\S*\.(?:png|gif|webp|jpe?g))(?=\s|$)",
    re.IGNORECASE,
)

__all__ = ["IMAGE_URL", "MAX_IMAGES"]

MAX_IMAGES = 20  # image prompts, evolink only (v7-syntax.md D7)
# Image prompt URLs: the official extensions, optionally followed by a query string or
# fragment (Discord CDN links), and Midjourney's own short links (v7-syntax.md §2.2).
IMAGE_URL = lazy_pattern(
    r"https?://(?:s\.mj\.run/\S+|[^\s?#]+\.(?:png|gif|webp|jpe?g)(?:[?#]\S*)?)",
    re.IGNORECASE,
)


@rule("MJ201", "empty-prompt", E, triggers=(NO_TEXT,))
def empty_prompt(ctx: Context) -> None:
    """A prompt with neither an image prompt nor text.

    Midjourney needs something to draw: a prompt of only parameters, or nothing at
    all, is rejected.

    Fails: an empty prompt, `--ar 16:9 --s 250`
    Passes: `a cat --ar 16:9`, `https://example.com/a.png https://example.com/b.png`

    No fix.
    """
    prompt = ctx.prompt
    if prompt.images or prompt.text or _words_after_parameters(ctx):
        return  # with words after the parameters, MJ107 says where the text went
    span = Span(0, len(ctx.source)) if prompt.params else Span(0, 0)
    ctx.report(span, "the prompt is empty: it needs a text prompt or image prompts")


def _words_after_parameters(ctx: Context) -> bool:
    for p in ctx.prompt.params:
        limit = p.spec.arity.max if p.spec is not None else None
        if limit is not None and len(p.value_words()) > limit:
            return True
    return False


@rule("MJ202", "single-image-without-text", E, triggers=(NO_TEXT,))
def single_image_without_text(ctx: Context) -> None:
    """One image prompt and no text.

    An image prompt guides a text prompt; a single image alone is an error (two or more
    images without text are a valid blend).

    Fails: `https://example.com/ref.jpg`, `https://example.com/ref.jpg --ar 2:3`
    Passes: `https://example.com/ref.jpg a watercolor landscape`,
    `https://example.com/a.png https://example.com/b.webp`

    No fix: the text is missing.
    """
    prompt = ctx.prompt
    if len(prompt.images) == 1 and not prompt.text:
        ctx.report(
            prompt.images[0].span,
            "one image prompt needs a text prompt (or a second image to blend)",
        )


# Links to web pages people paste instead of the image: a Midjourney job page, a
# Discord message link (the image is an attachment of the message).
_WEB_PAGE = lazy_pattern(
    r"https?://(?:www\.)?(?:midjourney\.com/jobs/|(?:ptb\.|canary\.)?discord(?:app)?\.com/channels/)",
    re.IGNORECASE,
)
# Image formats that neither Midjourney's list nor evolink's includes (v7-syntax.md §2.2:
# `.png`, `.gif`, `.webp`, `.jpg`, `.jpeg`).
OTHER_FORMAT = lazy_pattern(
    r"https?://[^\s?#]+\.(heic|heif|avif|tiff?|bmp|svg|ico|jxl|psd|dng|raw)(?:[?#]\S*)?",
    re.IGNORECASE,
)
_REFERENCE_PARAMS = frozenset({"sref", "oref"})


def reference_urls(ctx: Context) -> Iterator[tuple[Span, str]]:
    """Every image link of the prompt: the image prompts, then each URL of `--oref`
    and `--sref` (without a `::weight`, angle brackets or trailing punctuation)."""
    for image in ctx.prompt.images:
        yield image.span, image.url
    for p in ctx.prompt.params:
        if p.spec is None or p.spec.name not in _REFERENCE_PARAMS:
            continue
        for v in p.values:
            if not isinstance(v, Value):
                continue
            item = without_punctuation(v.raw.partition("::")[0])
            skip = 1 if item.startswith("<") else 0
            item = item[skip:].removesuffix(">")
            if item[:4].lower() == "http":
                start = v.span.start + skip
                yield Span(start, start + len(item)), item


def _odd_reference(p: Parameter, profile: str) -> bool:
    """A URL of `--sref`/`--oref` that is over `http://` or not a direct image link."""
    for v in p.values:
        if v.__class__ is Value:
            raw = v.raw
            if "http" not in raw[:5].lower():
                continue
            item = without_punctuation(raw.partition("::")[0]).lstrip("<").removesuffix(">")
            if item[:7].lower() == "http://" or not IMAGE_URL.fullmatch(item):
                return True
    return False


def _odd_image(url: str) -> bool:
    return url[:7].lower() == "http://" or not IMAGE_URL.fullmatch(url)


# The trigger of MJ203, MJ204 and MJ216: an odd link among the image prompts or the URLs
# of `--sref` and `--oref`.
REFERENCE_LINKS = (
    any_image(_odd_image),
    any_parameter(_odd_reference, names=_REFERENCE_PARAMS),
)


def _where(span: Span, ctx: Context) -> str:
    return "image prompt" if any(i.span == span for i in ctx.prompt.images) else "reference"


@rule("MJ203", "image-url-not-an-image", W, triggers=REFERENCE_LINKS)
def image_url_not_an_image(ctx: Context) -> None:
    """An image link that does not look like a direct link to an image.

    Midjourney asks for links that end in `.png`, `.gif`, `.webp`, `.jpg` or `.jpeg`
    (a query string after the extension is fine, and `s.mj.run` short links are
    Midjourney's own). A web page link fails with `[Invalid link!]`; a Midjourney job
    page or a Discord message link is a page, not the image on it. Image prompts and
    each URL of `--oref` and `--sref` are checked alike (other image formats: MJ216).

    Fails (warning): `https://example.com/gallery/cat a cat`,
    `a cat --oref https://www.midjourney.com/jobs/abc`
    Passes: `https://example.com/cat.png?ex=1 a cat`, `https://s.mj.run/abc a cat`

    No fix.
    """
    for span, url in reference_urls(ctx):
        if IMAGE_URL.fullmatch(url) or OTHER_FORMAT.fullmatch(url):
            continue
        what = _where(span, ctx)
        if _WEB_PAGE.match(url):
            ctx.report(
                span,
                f"`{url}` is a web page, not an image: copy the image's own address for the {what}",
            )
        else:
            ctx.report(
                span,
                f"`{url}` may not be an image: {what} links end in "
                ".png, .gif, .webp, .jpg or .jpeg",
            )


@rule("MJ204", "insecure-image-url", W, triggers=REFERENCE_LINKS)
def insecure_image_url(ctx: Context) -> None:
    """An image link with `http://` instead of `https://`.

    Plain-HTTP links are often refused or redirected by image hosts; the fetch may
    fail or be intercepted. Image prompts and the URLs of `--oref` and `--sref` alike.

    Fails (warning): `http://example.com/cat.png a cat`
    Passes: `https://example.com/cat.png a cat`

    No fix: the host may not serve HTTPS.
    """
    for span, url in reference_urls(ctx):
        if url[:7].lower() == "http://":
            ctx.report(span, f"`{url}` uses `http://`; use an `https://` link")


@rule("MJ216", "unsupported-image-format", E, triggers=REFERENCE_LINKS)
def unsupported_image_format(ctx: Context) -> None:
    """An image link in a format the sources do not list (`.heic`, `.avif`, `.tiff`…).

    Midjourney's Omni Reference page and the evolink guide list `.png`, `.gif`,
    `.webp`, `.jpg` and `.jpeg` ([MJ-OMNI], [EVO]). The evolink
    API fetches the link itself and takes only those: an error there. Midjourney may
    convert other formats on upload: a warning. Image prompts and the URLs of `--oref`
    and `--sref` alike.

    Fails: `https://example.com/cat.heic a cat`, `a cat --oref https://example.com/o.avif`
    Passes: `https://example.com/cat.png a cat`

    No fix: the image has to be converted.
    """
    for span, url in reference_urls(ctx):
        m = OTHER_FORMAT.fullmatch(url)
        if m:
            ctx.report(
                span,
                f"`.{m.group(1).lower()}` images are not accepted: use .png, .gif, .webp, "
                ".jpg or .jpeg",
            )


@rule("MJ205", "too-many-image-prompts", E, triggers=(IMAGES,))
def too_many_image_prompts(ctx: Context) -> None:
    """More than 20 image prompts (evolink only).

    The evolink guide caps image prompts at 20 per job; Midjourney's documentation
    states no such cap.

    Fails: 21 image URLs followed by `a cat`
    Passes: 20 image URLs followed by `a cat`

    No fix.
    """
    images = ctx.prompt.images
    if len(images) > MAX_IMAGES:
        ctx.report(
            Span(images[MAX_IMAGES].span.start, images[-1].span.end),
            f"{len(images)} image prompts; the evolink API accepts at most {MAX_IMAGES}",
        )


@rule("MJ206", "url-after-text", W, triggers=(URL_IN_TEXT,))
def url_after_text(ctx: Context) -> None:
    """A URL inside or after the text, where it is not an image prompt.

    Only the URLs at the very start of the prompt are image prompts; a link later on is
    read as words of the text and the image is not used.

    Fails (warning): `a cat like https://example.com/cat.png`
    Passes: `https://example.com/cat.png a cat like this one`

    No fix: moving the link would change the prompt.
    """
    for part in ctx.prompt.text:
        if not isinstance(part, TextChunk) or "http" not in part.raw.lower():
            continue
        for m in _URL_IN_TEXT.finditer(part.raw):
            before = ctx.source[: part.span.start + m.start()]
            if not before.strip() or IMAGINE_PREFIX.fullmatch(before.lstrip()):
                continue  # after `/imagine prompt:`, MJ113 is the finding
            ctx.report(
                Span(part.span.start + m.start(), part.span.start + m.end()),
                f"`{m.group()}` comes after the text, so it will not be used as an "
                "image prompt; image prompts go first",
            )


@rule("MJ207", "local-image-path", E, triggers=(DOTTED_FIRST_WORD,))
def local_image_path(ctx: Context) -> None:
    """A local file path where an image prompt would go.

    Image prompts must be public `https://` URLs; Midjourney cannot read a file on
    your disk.

    Fails: `C:\\pictures\\cat.png a cat`, `file:///home/me/cat.png a cat`
    Passes: `https://example.com/cat.png a cat`

    No fix: the image must be uploaded somewhere public first.
    """
    first = ctx.prompt.text[0] if ctx.prompt.text else None
    if not isinstance(first, TextChunk):
        return
    m = _LOCAL_PATH.match(first.raw)
    if m:
        ctx.report(
            Span(first.span.start, first.span.start + m.end()),
            f"`{m.group()}` is a local file; image prompts must be public https:// URLs",
        )


@rule("MJ208", "prompt-too-long", E, triggers=(LONG,))
def prompt_too_long(ctx: Context) -> None:
    """A prompt longer than the platform allows.

    Midjourney answers `Prompts must be 6000 or fewer in length.`; the evolink API
    schema allows 8192 characters. Length counts code points of the whole prompt,
    parameters included. The span starts at the first character past the limit.

    Fails: a 6001-character prompt (midjourney), an 8193-character prompt (evolink)
    Passes: a 6000-character prompt (midjourney), an 8192-character prompt (evolink)

    No fix: only you can shorten it.
    """
    limit = ctx.profile.max_length
    n = len(ctx.source)
    if n > limit:
        ctx.report(
            Span(limit, n),
            f"Prompts must be {limit} or fewer in length; this one has {n} characters",
        )


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


@rule("MJ209", "utf16-length", W, triggers=(LONG,))
def utf16_length(ctx: Context) -> None:
    """A prompt within the limit in characters but over it in UTF-16 units.

    Characters outside the Basic Multilingual Plane (most emoji) count twice in
    UTF-16, which JavaScript front ends and some APIs use to measure length.

    Fails (warning): 5999 characters with two emoji (midjourney)
    Passes: 5999 plain characters (midjourney)

    No fix.
    """
    limit = ctx.profile.max_length
    n = len(ctx.source)
    if n > limit or 2 * n <= limit:
        return
    units = _utf16_length(ctx.source)
    if units > limit:
        ctx.report(
            Span(0, n),
            f"the prompt has {n} characters but {units} UTF-16 units (emoji count twice), "
            f"more than the limit of {limit}",
        )


@rule("MJ210", "multi-prompt-weight", E, triggers=(WEIGHTS,))
def multi_prompt_weight(ctx: Context) -> None:
    """A `::` multi-prompt separator or `::N` weight in the text.

    Multi-prompts work only up to V6.1: Midjourney's Version chart marks them
    unsupported in V7 [MJ-VER], and evolink calls `::` unsupported [EVO]. No
    first-party source says V7 accepts them: an error in the text, in both profiles.
    `::weight` on `--sref` items is valid.

    Fails: `cyberpunk::2 nature::1`, `hot:: dog`
    Passes: `hot dog`, `a portrait --sref https://example.com/s.png::2`

    No fix: the weights carry meaning that V7 cannot express; rewrite the text.
    """
    for part in ctx.prompt.text:
        if isinstance(part, Weight):
            ctx.report(
                part.span,
                f"`{part.raw}`: multi-prompt weights are not supported in V7; "
                "`::` is allowed only on `--sref` items",
            )


@rule("MJ211", "permutations-unsupported", E, triggers=(BRACES,))
def permutations_unsupported(ctx: Context) -> None:
    """A `{a, b}` permutation in a prompt for the evolink API (evolink only).

    The API sends the braces as they are; it does not expand them into several jobs.

    Fails: `a {red, green} bird`
    Passes: `a red bird` (and `a {red, green} bird` in the midjourney profile)

    No fix in place: `mjprompt expand` writes the expanded prompts, one per line.
    """
    if "{" not in ctx.source:
        return
    for group in groups(ctx.prompt):
        if not group.closed:
            continue  # MJ111
        n = _option_count(group)
        what = f"makes {n} prompts" if n != 1 else "has one option"
        ctx.report(
            group.span,
            f"permutations `{{…}}` are not supported by the evolink API (this group {what}); "
            "run `mjprompt expand` and send each prompt",
        )


def _option_count(group: Permutation) -> int:
    """How many prompts a group makes: its options, when none holds a nested group (most
    groups: 0.3 us instead of 1.3 for `group_count`'s walk); else `group_count`."""
    for option in group.options:
        for part in option.parts:
            if part.__class__ is Permutation:
                return group_count(group)
    return len(group.options)


@rule("MJ212", "too-many-jobs", E, triggers=(BRACES,))
def too_many_jobs(ctx: Context) -> None:
    """Permutations that make more than 40 jobs (midjourney only).

    Midjourney caps the jobs of one permutation prompt by plan: Basic 4, Standard 10,
    Pro and Mega 40. Every job is billed.

    Fails: `{a,b,c,d,e,f,g} {1,2,3,4,5,6,7}` (49 jobs)
    Passes: `a {red, green, yellow} bird` (3 jobs)

    No fix.
    """
    if "{" not in ctx.source:
        return
    groups = list(ctx.prompt.permutations())
    if not groups:
        return
    n = count_expansions(ctx.prompt)
    if n > DEFAULT_LIMIT:
        ctx.report(
            Span(groups[0].span.start, groups[-1].span.end),
            f"the permutations make {n} jobs; Midjourney runs at most {DEFAULT_LIMIT} "
            "per prompt (Basic 4, Standard 10)",
        )


@rule("MJ214", "permutations-too-deep", E, triggers=(BRACES,))
def permutations_too_deep(ctx: Context) -> None:
    """Permutation groups nested more than 50 deep (midjourney only).

    mjprompt expands permutations to check each job; past 50 levels it stops, so the
    jobs of such a prompt are not checked — and no person writes one on purpose.

    Fails: `{{{…}}}` with 51 levels
    Passes: `A {sculpture, painting} of a {seagull {on a pier, on a beach}, poodle}`

    No fix.
    """
    groups = list(ctx.prompt.permutations())
    if not groups:
        return
    depth = nesting_depth(ctx.prompt)
    if depth > MAX_NESTING:
        ctx.report(
            Span(groups[0].span.start, groups[0].span.start + 1),
            f"permutation groups nest {depth} levels deep; at most {MAX_NESTING} are "
            "expanded, so the jobs of this prompt are not checked",
        )


@rule("MJ213", "permutations-in-relax", E, triggers=(BRACES,))
def permutations_in_relax(ctx: Context) -> None:
    """Permutations together with `--relax` (midjourney only).

    Permutation prompts run only in Fast or Turbo mode.

    Fails: `a {red, green} bird --relax`
    Passes: `a {red, green} bird --fast`

    No fix.
    """
    relax = ctx.first("relax")
    if relax is None or "{" not in ctx.source:
        return
    if any(True for _ in iter_permutations(ctx.prompt)):
        ctx.report(relax.span, "permutations run only in Fast or Turbo mode, not with `--relax`")


@rule("MJ215", "control-characters", E, fix="safe", triggers=(CONTROL,))
def control_characters(ctx: Context) -> None:
    """Control characters in the prompt (NUL, escape, backspace, …).

    They come from copying out of terminals, binary files or broken encodings. Midjourney
    has no use for them, the API would receive them as they are, and a terminal that
    shows the prompt may act on them. Tabs and line breaks are not reported.

    Fails: `a cat\\x00 --ar 16:9`, `a \\x1b[31mred\\x1b[0m cat` (a NUL and an ESC, written
    here as Python escapes)
    Passes: `a cat --ar 16:9`

    Fix (safe): delete them.
    """
    found = list(CONTROL_CHARS.finditer(ctx.source))
    if not found:
        return
    edits = tuple(Edit(m.start(), m.end(), "") for m in found)
    shown = ", ".join(sorted({f"U+{ord(m.group()):04X}" for m in found}))
    ctx.report(
        Span(found[0].start(), found[-1].end()),
        f"the prompt contains {len(found)} control character(s) ({shown})",
        Fix(edits, True, "delete the control characters"),
    )
