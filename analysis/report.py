"""The figures and the one-page ``report.html`` of a results folder (``report.zh.html`` in Chinese).

The report is a single self-contained file, images embedded, no scripts or
links outside it, so that it opens offline from an e-mail attachment: a
headline table with 95% intervals and what the hotline's three rates do not
see (unheard demand), plain-language findings, what each
variant changes, the figures and the provenance. ``write_report`` only reads
the results folder, so ``report DIR`` can rebuild it without rerunning. Each
language has its own report and figures (English ``report.html`` and
``figures/``, Chinese ``report.zh.html`` and ``figures/zh/``), so that both
can sit side by side.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Optional

import pandas as pd
from matplotlib.figure import Figure

from sim.experiment.store import atomic_write
from sim.scenario.errors import ScenarioError

from . import figures, sweep_view
from .findings import FINDING_METRICS, variant_findings
from .headline import HEADLINE, mean_ci
from .results import Results, load_results
from .style import cjk_font_face, palette, save
from .text import LANGS, Text

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# (metric, the note on it under the headline table, said when the folder measured it)
NOTES = (("unheard_rate", "unheard_note"), ("true_resolution_rate", "true_resolution_note"))
# (file name, figure function, whether the folder has what it needs), in the order the report shows them
# (a sweep's points are many: it is shown against its parameters, not point by point in colours)
FIGURES: list[tuple[str, Callable[..., Figure], Callable[[Results], bool]]] = [
    ("rates", figures.rates_figure, lambda r: not r.swept),
    ("differences", figures.differences_figure, lambda r: r.is_comparison),
    ("response", sweep_view.response_figure, lambda r: bool(r.swept)),
    ("sensitivity", sweep_view.sensitivity_figure, lambda r: bool(sweep_view.indices(r))),
    ("durations", figures.durations_figure, lambda r: not r.swept and not r.distributions.empty),
    ("timeseries", figures.timeseries_figure, lambda r: not r.swept and not r.timeseries.empty),
    ("funnel", figures.funnel_figure, lambda r: not r.swept),
    ("whistle", figures.whistle_figure,
     lambda r: not r.swept and not r.departments.empty and r.departments["reports"].sum() > 0),
    # (a street alone is first every month: nothing to rank)
    ("ranks", figures.rank_heatmap, lambda r: not r.swept and not r.streets.empty and r.streets["street"].nunique() > 1),
    ("grid-map", figures.grid_map, lambda r: not r.swept and not r.grids.empty),
    ("agents", figures.agents_figure, lambda r: figures.AGENTS in r.swept),
]
CSS = """
body{font-family:"gridgov CJK","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h3{font-size:1.05em;margin:1em 0 .2em}ul{margin-top:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.86em;margin:.5em 0}th,td{border:1px solid #ccc;padding:.3em .5em;
text-align:right;vertical-align:top}th{background:#f3f3f3}td.name,th.name{text-align:left;white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.4em}
li.better{color:#1a7f37}li.worse{color:#b42318}li.unclear{color:#666}li.uncertain{color:#9a6700}li.clear{color:#1f4e79}
figure{margin:1.5em 0}figure img{max-width:100%}figcaption{color:#555;font-size:.92em}
.wide{overflow-x:auto}.lead{font-size:1.05em;color:#333}.note{color:#666;font-size:.9em}
"""


def report_path(folder: Path, lang: str = "en") -> Path:
    """Where the report in ``lang`` goes: ``report.html`` in English, ``report.<lang>.html`` otherwise."""
    return folder / ("report.html" if lang == "en" else f"report.{lang}.html")


def figures_folder(folder: Path, lang: str = "en") -> Path:
    """Where the figures in ``lang`` go: ``figures/`` in English, ``figures/<lang>/`` otherwise."""
    return folder / "figures" if lang == "en" else folder / "figures" / lang


def figure_set(results: Results) -> list[tuple[str, Callable[..., Figure]]]:
    """The figures this folder has the data for."""
    return [(name, plot) for name, plot, applies in FIGURES if applies(results)]


def write_figures(results: Results, lang: str = "en") -> list[tuple[str, Path]]:
    """Draw every figure the folder supports into its language's figures folder as PNG and SVG; (name, PNG
    path) pairs."""
    written = []
    for name, plot in figure_set(results):
        png, _svg = save(plot(results, lang=lang), figures_folder(results.folder, lang), name)
        written.append((name, png))
    return written


def remove_report(folder: Path) -> None:
    """Delete the reports and the figures gridgov draws in a results folder, in every language (the report's
    and Welch's plots), and their folders if that empties them: they describe results a new run replaces.
    Anything else a user keeps there stays."""
    names = [f"{name}.{suffix}" for name, _plot, _applies in FIGURES for suffix in ("png", "svg")]
    for lang in reversed(LANGS):   # figures/zh/ before figures/, which holds it
        drawn = figures_folder(folder, lang)
        for path in [report_path(folder, lang)] + [drawn / name for name in names] + list(drawn.glob("warmup-*.png")):
            if path.is_file():   # a folder of the user's under one of these names stays
                path.unlink()
        if drawn.is_dir() and not any(drawn.iterdir()):
            drawn.rmdir()


def write_report(folder: Path, lang: str = "en") -> Path:
    """Rebuild the figures and the report of a results folder in ``lang`` (leaving the other language's alone);
    return the report's path."""
    results = load_results(folder)
    _check_writable(results.folder, lang)
    text = Text(lang)
    pictures = write_figures(results, lang)
    body = [
        f"<h1>{_e(text('report_title', scenario=results.summary.get('scenario', results.scenario.name)))}</h1>",
        f'<p class="lead">{_e(_lead(results, text))}</p>',
        f"<h2>{_e(text('headline'))}</h2>", headline_table(results, text), rates_note(results, text),
        f"<h2>{_e(text('sensitivity' if results.swept else 'findings'))}</h2>",
        sensitivity_html(results, text) if results.swept else findings_html(results, text),
    ]
    if results.is_comparison:
        body += [f"<h2>{_e(text('changes'))}</h2>", changes_html(results, text)]
    variant = results.variants[0]
    body.append(f"<h2>{_e(text('figures'))}</h2>")
    for name, png in pictures:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        body.append(f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
                    f"<figcaption>{_e(text.caption(name, variant=text.variant(variant)))} "
                    f"{_e(text('figure_files', name=png.relative_to(results.folder).with_suffix('').as_posix()))}"
                    "</figcaption></figure>")
    body += [f"<h2>{_e(text('provenance'))}</h2>", provenance_html(results, text)]
    title = _e(text("report_title", scenario=results.scenario.name))
    shown = title + "".join(body)
    css = CSS + (_font_face(shown) if lang == "zh" or CJK.search(shown) else "")   # Chinese names in English
    page = (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")
    path = report_path(results.folder, lang)
    atomic_write(path, page.encode("utf-8"))   # a report is there whole, or the old one is
    return path


def _check_writable(folder: Path, lang: str) -> None:
    """Refuse, before drawing anything, a folder where the report or its figures cannot go: a folder where the
    report file goes, a file where the figures folder goes."""
    for path, kind in ((report_path(folder, lang), "a folder"), (folder / "figures", "a file"),
                       (figures_folder(folder, lang), "a file")):
        if path.exists() and path.is_dir() == (kind == "a folder"):
            raise ScenarioError(f"is {kind}, where gridgov writes the {'report' if kind == 'a folder' else 'figures'}"
                                f"; move it away or rename it, then run report again", path)


def _font_face(html_text: str) -> str:
    """The CJK font cut to the characters the page shows (images left out)."""
    return cjk_font_face(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html_text))


def headline_table(results: Results, text: Text) -> str:
    """The headline metrics, mean (95% CI): a row per metric and a column per variant, so that the page keeps its
    width however many metrics there are; a sweep's many points are rows instead (numbered from 1, given by their
    parameter values with units), the table scrolling sideways within the page."""
    metrics = results.present(HEADLINE)
    if results.swept:
        return _points_table(results, metrics, text)
    colours = palette(results.variants)
    head = "".join(f'<th><span class="swatch" style="background:{colours[v]}"></span>{_e(text.variant(v))}</th>'
                   for v in results.variants)
    rows = [f'<tr><td class="name">{_e(text.metric(m))}</td>'
            + "".join(f"<td>{_e(mean_ci(results.stats(v, m), m, text))}</td>" for v in results.variants) + "</tr>"
            for m in metrics]
    return (f'<table><tr><th class="name">{_e(text("metric_column"))}</th>{head}</tr>\n' + "\n".join(rows)
            + "</table>")


def _points_table(results: Results, metrics: list[str], text: Text) -> str:
    first = results.replications.drop_duplicates("variant").set_index("variant")
    names = sweep_view.point_names(results, text)
    head = "".join(f"<th>{_e(text.parameter(key))}</th>" for key in results.swept)
    head += "".join(f"<th>{_e(text.metric(m))}</th>" for m in metrics)
    rows = []
    for variant in results.variants:
        cells = "".join(f"<td>{_e(sweep_view.value_words(results, key, first.loc[variant, key], text))}</td>"
                        for key in results.swept)
        cells += "".join(f"<td>{_e(mean_ci(results.stats(variant, m), m, text))}</td>" for m in metrics)
        rows.append(f'<tr><td class="name">{_e(names[variant])}</td>{cells}</tr>')
    return (f'<div class="wide"><table><tr><th class="name">{_e(text("point_column"))}</th>{head}</tr>\n'
            + "\n".join(rows) + "</table></div>")


def rates_note(results: Results, text: Text) -> str:
    """What the three rates do not see, said under the table: they are the hotline's own, over evaluated
    handling requests, so a resident who gave up unheard is in none of them (but in unheard demand), and the
    resolution rate counts rushed closures residents reported solved (the true resolution rate does not)."""
    said = [text("rates_note")] + [text(note) for metric, note in NOTES if results.present([metric])]
    return f'<p class="note">{_e(("" if text.lang == "zh" else " ").join(said))}</p>'


def findings_html(results: Results, text: Text) -> str:
    """Per variant, a heading in its colour and its findings against the base (``analysis.findings``)."""
    if not results.is_comparison:
        return f"<p>{_e(text('no_findings'))}</p>"
    colours = palette(results.variants)
    base = {m: results.stats(results.variants[0], m)["mean"] for m in results.present(FINDING_METRICS)}
    parts = [f'<p class="note">{_e(text("findings_note"))}</p>']
    for variant, differences in ((v, results.differences()[v]) for v in results.variants
                                 if v in results.differences()):
        parts.append(f'<h3><span class="swatch" style="background:{colours[variant]}"></span>'
                     f'{_e(text.variant(variant))}</h3><ul>')
        for item in variant_findings(text.variant(variant), differences, text, base, report_limits(results, variant, text)):
            kind = item.tone if item.tone in ("better", "worse", "uncertain") else "unclear"
            parts.append(f'<li class="{kind}">{_e(item.sentence)}</li>')
        parts.append("</ul>")
    return "\n".join(parts)


def sensitivity_html(results: Results, text: Text) -> str:
    """A sweep's sensitivity in words, a line per metric (``sweep_view.sensitivity_sentences``); a factorial or
    an unfinished sweep says why it has none."""
    said = sweep_view.sensitivity_sentences(results, text)
    if not said:
        why = "sensitivity_factorial" if results.summary.get("design") == "factorial" else "sensitivity_unfinished"
        return f"<p>{_e(text(why))}</p>"
    items = "".join(f'<li class="{tone}">{_e(sentence)}</li>'
                    for tone, sentence in said)
    return f'<p class="note">{_e(text("sensitivity_note"))}</p><ul>{items}</ul>'


def report_limits(results: Results, variant: str, text: Text) -> Optional[tuple[str, str]]:
    """The base's and the variant's whistle report limits in words, if they differ."""
    base, own = results.report_limit(results.variants[0]), results.report_limit(variant)
    return None if base == own else (text.duration(base), text.duration(own))


def changes_html(results: Results, text: Text) -> str:
    """Each variant's parameter differences from the base, in words."""
    if results.changes(results.variants[0]) is None:
        return f"<p>{_e(text('changes_unknown'))}</p>"
    rows = []
    for variant in results.variants[1:]:
        changes = results.changes(variant)
        words = [text("change", name=text.parameter(path), base=text.value(c["base"]), value=text.value(c["variant"]))
                 for path, c in changes.items()] or [text("no_change")]
        rows.append(f'<tr><td class="name">{_e(text.variant(variant))}</td><td class="name">{"<br>".join(map(_e, words))}</td></tr>')
    return (f'<table><tr><th class="name">{_e(text("variant"))}</th><th class="name">{_e(text("changes_column"))}'
            f'</th></tr>{"".join(rows)}</table>')


def provenance_html(results: Results, text: Text) -> str:
    """Version, scenario, seed, replications, time simulated, when it ran, the code, and how to reproduce."""
    scenario, summary, prov = results.scenario, results.summary, results.provenance
    codes = _manifest_codes(results.folder)
    items = [
        ("prov_version", summary.get("gridgov_version", "")),
        ("prov_scenario", f"{scenario.name}: {scenario.description}".strip(": ")),
        ("prov_seed", summary.get("seed", scenario.seed)),
        ("prov_replications", summary.get("replications", "")),
        ("prov_horizon", text("horizon_warmup", horizon=text.duration(scenario.horizon),
                              warmup=text.duration(scenario.warmup)) if scenario.warmup
         else text.duration(scenario.horizon)),
        ("prov_started", prov.get("started", "")),
        ("prov_code", ", ".join(codes)),
        ("prov_engine", text.engine(prov.get("engine", ""))
         + (text("reused", n=prov["reused"]) if prov.get("reused") else "")),
        ("prov_files", text("reproduce")),
    ]
    rows = "".join(f'<tr><th class="name">{_e(text(key))}</th><td class="name">{_e(value)}</td></tr>'
                   for key, value in items)
    return f"<table>{rows}</table>"


def _lead(results: Results, text: Text) -> str:
    scenario = results.scenario
    warmup = text("lead_warmup", warmup=text.duration(scenario.warmup)) if scenario.warmup else ""
    kind = "lead" if results.is_comparison else "lead_sweep" if results.swept else "lead_run"
    others = len(results.variants) - 1
    return text(kind, variants=len(results.variants), others=text("one_variant" if others == 1 else "variants_n", n=others),
                replications=results.summary.get("replications", ""),
                horizon=text.duration(scenario.horizon), warmup=warmup,
                keys=text.join([text.parameter(key) for key in results.swept]))


def _manifest_codes(folder: Path) -> list[str]:
    path = folder / "manifest.csv"
    if not path.is_file():
        return []
    return [str(code) for code in pd.read_csv(path, usecols=["code_hash"])["code_hash"].unique()]


def _e(value) -> str:
    return html.escape(str(value))
