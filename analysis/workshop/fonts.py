"""The Chinese font the app carries, so that it reads in Chinese on a machine without a Chinese font.

Laptops in a workshop room, or a headless browser, may have no CJK font: the
page would show empty boxes. The app therefore serves the CJK font that
``mplfonts`` installs (the one the figures use), cut to the characters its
Chinese words use (some 500, about 200 kB instead of 16 MB), as an extra
face of the page's own font family limited to the CJK ranges, so Latin text
keeps its usual font.
"""

from __future__ import annotations

from types import ModuleType

from .. import narrate, text
from ..style import cjk_font_face
from . import policies, words

CJK_RANGES = "U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"
SOURCES: tuple[ModuleType, ...] = (text, narrate, words, policies)  # every module holding the app's Chinese words


def _strings(value, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings(key, found)
            _strings(item, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _strings(item, found)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _strings(getattr(value, name), found)


def chinese_characters(*extra: ModuleType) -> str:
    """Every CJK character in the constant tables (upper-case names) of the modules holding the app's words."""
    found: list[str] = []
    for module in SOURCES + extra:
        for name, value in vars(module).items():
            if name.isupper():
                _strings(value, found)
    return "".join(sorted({c for s in found for c in s if ord(c) >= 0x2E80}))


def font_face(family: str, *extra: ModuleType) -> str:
    """An ``@font-face`` adding the app's Chinese characters to ``family``."""
    return cjk_font_face(chinese_characters(*extra), family, CJK_RANGES)
