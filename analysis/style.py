"""The house style every figure shares: colours per variant, fonts, sizes, and saving.

One place decides how a figure looks, so a variant keeps its colour from
the first figure of a report to the last, every figure reads at slide size,
and a Chinese figure gets a font that has its characters. The CJK font is
Noto Sans CJK SC, shipped on PyPI by ``mplfonts`` (a dependency), so a fresh
install renders Chinese with nothing to install by hand; a Chinese report
embeds the few hundred characters it uses.
"""

from __future__ import annotations

import base64
import functools
import importlib.metadata
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Optional

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from fontTools import subset
from matplotlib.figure import Figure

BASE_COLOUR = "#4d4d4d"
FIGSIZE = (10, 5.6)
FONTSIZE = 12
LEVEL_COLOURS = ("#1a9850", "#91cf60", "#fc8d59", "#d73027")
WARMUP_COLOUR = "#e0e0e0"
STYLE = {"font.size": FONTSIZE, "axes.titlesize": FONTSIZE + 1, "axes.labelsize": FONTSIZE,
         "xtick.labelsize": FONTSIZE - 1, "ytick.labelsize": FONTSIZE - 1,
         "legend.fontsize": FONTSIZE - 1, "figure.titlesize": FONTSIZE + 3,
         "text.parse_math": False}   # a variant may be named "budget $5-$10"
CJK_FONT_FILE = "mplfonts/fonts/NotoSansCJKsc-Regular.otf"


def cjk_font_file() -> str:
    """Where the CJK font shipped by ``mplfonts`` is installed."""
    return str(importlib.metadata.distribution("mplfonts").locate_file(CJK_FONT_FILE))


@functools.cache
def cjk_font() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    font_manager.fontManager.addfont(cjk_font_file())
    return font_manager.FontProperties(fname=cjk_font_file()).get_name()


def cjk_subset(text: str) -> bytes:
    """The CJK font cut down to the characters of ``text`` (an OpenType file of some 150 kB instead of 16 MB),
    to embed in a report so that it shows Chinese on a machine without a Chinese font."""
    options = subset.Options()
    options.layout_features, options.name_IDs = ["*"], ["*"]
    font = subset.load_font(cjk_font_file(), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set(text))))
    cutter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def cjk_font_face(text: str, family: str = "gridgov CJK", unicode_range: str = "") -> str:
    """A CSS ``@font-face`` declaring ``family`` as the CJK font cut to the characters of ``text``, embedded
    as a data URL, so that a page (report, app, animation) reads in Chinese wherever it is opened;
    ``unicode_range`` limits the face to those code points, adding Chinese to a family without replacing it."""
    return _font_face("".join(sorted(set(text))), family, unicode_range)


@functools.lru_cache(maxsize=16)   # cutting the font takes about half a second; pages of a run share it
def _font_face(characters: str, family: str, unicode_range: str) -> str:
    data = base64.b64encode(cjk_subset(characters)).decode("ascii")
    extent = f";unicode-range:{unicode_range};font-weight:100 900" if unicode_range else ""
    return f'@font-face{{font-family:"{family}";src:url(data:font/otf;base64,{data}) format("opentype"){extent}}}'


def fonts(lang: str) -> dict:
    """rc settings for the language: for Chinese the CJK font first (it has Latin letters too), DejaVu Sans
    for any symbol it lacks; for English the reverse, so a variant named in Chinese still renders."""
    return {"font.family": [cjk_font(), "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", cjk_font()]}


def house_style(plot: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure under the house font sizes and the language's font (keyword ``lang``), then fix the
    lazily made tick labels too."""
    @functools.wraps(plot)
    def styled(*args, lang: str = "en", **kwargs) -> Figure:
        with matplotlib.rc_context({**STYLE, **fonts(lang)}):
            fig = plot(*args, lang=lang, **kwargs)
        for ax in fig.axes:
            ax.tick_params(labelsize=FONTSIZE - 1)
            ax.spines[["top", "right"]].set_visible(False)
        fig.gridgov_lang = lang   # read back when the figure is drawn or saved (see ``draw``)
        return fig
    return styled


def palette(variants: Sequence[str]) -> dict[str, str]:
    """A fixed colour per variant: base dark grey, the others tab10 in order.

    tab10's own grey is skipped so no variant looks like base; beyond nine
    other variants the colours come from tab20 (without its greys, dark
    shades before light), wrapping.
    """
    others = [v for v in variants if v != "base"]
    name, grey = ("tab10", {7}) if len(others) <= 9 else ("tab20", {14, 15})
    colours = [to_hex(c) for i, c in enumerate(matplotlib.colormaps[name].colors) if i not in grey]
    if name == "tab20":   # its dark shades first, then the light ones, so neighbours do not look alike
        colours = colours[0::2] + colours[1::2]
    result = {v: colours[i % len(colours)] for i, v in enumerate(others)}
    return {"base": BASE_COLOUR, **result} if "base" in variants else result


def new_figure(rows: int, cols: int, title: str, size: tuple[float, float] = FIGSIZE,
               width_ratios: Optional[Sequence[float]] = None) -> tuple[Figure, list]:
    """A slide-sized, constrained-layout figure with its panels in a flat list."""
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)   # a canvas of its own: drawable without pyplot or a GUI backend
    axes = fig.subplots(rows, cols, squeeze=False, width_ratios=width_ratios).ravel().tolist()
    fig.suptitle(title)
    return fig, axes


def draw(fig: Figure) -> None:
    """Render the figure (text is laid out at draw time, so under the figure's own fonts)."""
    with matplotlib.rc_context(fonts(getattr(fig, "gridgov_lang", "en"))):
        fig.canvas.draw()


def png_bytes(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as a PNG in memory, in its language's font (for the workshop app)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(fonts(getattr(fig, "gridgov_lang", "en"))):
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (150 dpi) and ``name.svg`` into folder (the SVG without a date or random ids, so the
    same results give the same files); return both paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with matplotlib.rc_context({**fonts(getattr(fig, "gridgov_lang", "en")), "svg.hashsalt": "gridgov"}):
        fig.savefig(paths[0], dpi=150)
        fig.savefig(paths[1], metadata={"Date": None})
    return paths


def point(ax, y: float, mean: Optional[float], low: Optional[float], high: Optional[float], colour: str,
          label: str) -> None:
    """A mean as a dot on row ``y`` with its 95% interval as a bar (none with a single replication), labelled
    with the variant; nothing if there is no mean."""
    if mean is None:   # not measured in any replication: nothing to draw
        return
    low, high = (mean if bound is None else bound for bound in (low, high))
    ax.errorbar(mean, y, xerr=[[mean - low], [high - mean]], fmt="o", color=colour, ms=8, elinewidth=2.2, capsize=4,
                label=label, zorder=3)


def colour_ticks(labels, colours: dict[str, str]) -> None:
    """Colour each tick label naming a variant in that variant's colour, darkened if too pale to read."""
    for label in labels:
        label.set_color(readable(colours.get(label.get_text(), "black")))


def readable(colour: str) -> tuple[float, float, float]:
    """A colour dark enough for text on white: pale ones (tab20's light half) scaled towards black."""
    rgb = np.array(to_rgb(colour))
    luminance = float(rgb @ (0.2126, 0.7152, 0.0722))
    return tuple(rgb * min(1.0, 0.5 / luminance)) if luminance > 0.5 else tuple(rgb)
