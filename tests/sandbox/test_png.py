"""PNG results: valid files, shape from --ar, pixels from the seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mjprompt.sandbox.png import encode_png, image_size, render_image


@pytest.mark.parametrize(
    ("ratio", "long_side", "size"),
    [
        ((1, 1), 64, (64, 64)),
        ((16, 9), 64, (64, 36)),
        ((9, 16), 64, (36, 64)),
        ((2, 3), 64, (43, 64)),
        ((3, 2), 64, (64, 43)),
        ((14, 1), 64, (64, 5)),
        ((1, 14), 64, (5, 64)),
        ((21, 9), 128, (128, 55)),
        ((1, 1000), 14, (1, 14)),  # never a zero-pixel side
    ],
)
def test_image_size_follows_the_ratio(
    ratio: tuple[int, int], long_side: int, size: tuple[int, int]
) -> None:
    assert image_size(*ratio, long_side) == size


def test_image_size_rejects_a_non_positive_ratio() -> None:
    with pytest.raises(ValueError, match="positive"):
        image_size(0, 1, 64)


def test_rendered_image_is_a_valid_png_of_the_asked_size(png: Callable[[bytes], Any]) -> None:
    image = png(render_image(42, 0, 64, 36))
    assert (image.width, image.height, image.bit_depth, image.colour_type) == (64, 36, 8, 2)
    # every row starts with filter type 0
    stride = 1 + 3 * 64
    assert all(image.pixels[r * stride] == 0 for r in range(36))


def test_same_seed_same_pixels_other_seed_other_pixels() -> None:
    assert render_image(7, 0, 32, 32) == render_image(7, 0, 32, 32)
    assert render_image(7, 0, 32, 32) != render_image(8, 0, 32, 32)


def test_the_four_images_of_a_task_differ() -> None:
    images = {render_image(123, i, 32, 32) for i in range(4)}
    assert len(images) == 4


def test_image_is_not_one_flat_colour(png: Callable[[bytes], Any]) -> None:
    image = png(render_image(5, 1, 16, 16))
    rows = [image.pixels[r * 49 + 1 : (r + 1) * 49] for r in range(16)]
    pixels = {bytes(row[i : i + 3]) for row in rows for i in range(0, 48, 3)}
    assert len(pixels) > 4


def test_encode_png_checks_rows() -> None:
    with pytest.raises(ValueError, match="rows"):
        encode_png(2, 1, [b"\x00" * 5])
