"""Paging of list answers: 1-based pages of `size` items."""

from __future__ import annotations

import math


def skip(page: int, size: int) -> int:
    """How many items come before 1-based page `page`."""
    return (page - 1) * size


def page_count(total: int, size: int) -> int:
    """How many pages of `size` the `total` items fill (0 for none, or for size 0)."""
    return math.ceil(total / size) if size else 0
