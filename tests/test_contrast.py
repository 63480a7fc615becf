"""Every text/background pair of the site and of the workbook reaches WCAG AA (4.5:1), computed from the
real stylesheets (ours, the generated level colours, furo's light and dark variables) and from the styles
of a workbook exported from the shipped tree; every level can be told apart without colour."""

from __future__ import annotations

import re
from pathlib import Path

import furo
import pytest
from openpyxl import load_workbook

from ra2docs.contrast import AA, luminance, ratio, text_on
from ra2docs.project import Project
from ra2docs.sphinx.matrix import level_text
from ra2docs.sphinx.style import STATIC, level_rules
from tests.conftest import REPO, run_cli

CSS = (STATIC / "ra2docs.css").read_text(encoding="utf-8")
FURO_COLOURS = Path(furo.__file__).parent / "assets" / "styles" / "variables" / "_colors.scss"
NAMED = {"black": "#000000", "white": "#ffffff"}
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DECL = re.compile(r"([\w-]+)\s*:\s*([^;]+)")
_VAR = re.compile(r"var\((--[\w-]+)(?:,\s*([^)]+))?\)")


def _strip_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def _mixin(name: str) -> dict[str, str]:
    """The custom properties furo's SCSS mixin `name` sets (its light or dark colours)."""
    text = _strip_comments(FURO_COLOURS.read_text(encoding="utf-8"))
    text = re.sub(r"//[^\n]*", "", text)
    body = text[text.index(f"@mixin {name} {{"):]
    body = body[body.index("{") + 1:body.index("\n}")]
    return dict(_DECL.findall(body))


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for selector, body in _RULE.findall(_strip_comments(css)):
        selector = selector.strip().split("\n")[-1].strip()
        out.append((selector, {k: v.replace("!important", "").strip() for k, v in _DECL.findall(body)}))
    return out


def _variables(dark: bool) -> dict[str, str]:
    values = _mixin("colors")
    if dark:
        values.update(_mixin("colors-dark"))
    for selector, decls in _rules(CSS):
        if selector == ":root" or (dark and selector.startswith('body[data-theme="dark"]')):
            values.update({k: v for k, v in decls.items() if k.startswith("--")})
    return values


def _resolve(value: str, variables: dict[str, str], depth: int = 0) -> str | None:
    value = value.strip()
    match = _VAR.fullmatch(value)
    if match:
        name, fallback = match.groups()
        if name in variables and depth < 10:
            return _resolve(variables[name], variables, depth + 1)
        return _resolve(fallback, variables, depth + 1) if fallback else None
    value = NAMED.get(value, value)
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", value) else None


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_coloured_pair_of_the_stylesheet_reaches_aa(dark: bool) -> None:
    variables = _variables(dark)
    page = [_resolve("var(--color-background-primary)", variables),
            _resolve("var(--color-background-secondary)", variables)]
    checked = []
    for selector, decls in _rules(CSS):
        if "color" not in decls or decls["color"] == "inherit":
            continue
        fg = _resolve(decls["color"], variables)
        background = decls.get("background-color") or decls.get("background")
        bgs = [_resolve(background, variables)] if background else page
        for bg in bgs:
            if fg is None or bg is None:
                continue
            checked.append((selector, fg, bg, ratio(fg, bg)))
    assert len(checked) > 20, "the stylesheet's colour pairs were not found"
    low = [c for c in checked if c[3] < AA]
    assert not low, "\n".join(f"{s}: {fg} on {bg} is {r:.2f}:1" for s, fg, bg, r in low)


def test_links_in_coloured_cells_take_the_cells_text_colour() -> None:
    rules = dict(_rules(CSS))
    selector = next(s for s in rules if ".ra2-cell a" in s)
    assert rules[selector]["color"] == "inherit"


def test_level_colours_of_the_shipped_tree_reach_aa_and_levels_differ_without_colour() -> None:
    tree = Project.load(REPO).tree
    css = level_rules(tree.vocabularies)
    pairs = [(decls["color"], decls["background-color"]) for _, decls in _rules(css)]
    assert len(pairs) >= 10
    for fg, bg in pairs:
        assert ratio(fg, bg) >= AA, f"{fg} on {bg}: {ratio(fg, bg):.2f}:1"
    assert ratio("#000000", "#689f38") >= AA and text_on("#689f38") == "#000000"  # was white at 3.18:1
    for vocab in tree.vocabularies:
        texts = [level_text(lv, lv.id) for lv in vocab.levels]
        assert len(set(texts)) == len(texts), f"{vocab.id}: two levels read the same"
        symbols = [lv.symbol for lv in vocab.levels if lv.symbol]
        assert len(set(symbols)) == len(symbols), f"{vocab.id}: two levels share a symbol"
        colours = [lv.colour.lower() for lv in vocab.levels if lv.colour]
        assert len(set(colours)) == len(colours), f"{vocab.id}: two levels share a colour"


def test_text_on_any_colour_reaches_aa() -> None:
    for grey in range(0, 256, 5):
        colour = f"#{grey:02x}{grey:02x}{grey:02x}"
        assert ratio(text_on(colour), colour) >= AA
    assert luminance("#ffffff") == pytest.approx(1.0) and luminance("#000") == 0.0


def _argb(colour: object) -> str | None:
    rgb = getattr(colour, "rgb", None)
    if not isinstance(rgb, str) or len(rgb) not in (6, 8) or getattr(colour, "type", "rgb") != "rgb":
        return None
    return "#" + rgb[-6:]


def test_every_filled_cell_of_the_workbook_reaches_aa(tmp_path: Path) -> None:
    out = tmp_path / "rfp.xlsx"
    result = run_cli("export", "xlsx", "-o", str(out), str(REPO))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    checked = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill
                if fill is None or fill.fill_type != "solid" or c.value in (None, ""):
                    continue
                bg = _argb(fill.fgColor)
                fg = _argb(c.font.color) if c.font and c.font.color is not None else "#000000"
                if bg is None or fg is None:
                    continue
                checked += 1
                assert ratio(fg, bg) >= AA, f"{ws.title}!{c.coordinate}: {fg} on {bg} is {ratio(fg, bg):.2f}:1"
        for rules in ws.conditional_formatting:
            for rule in rules.rules:
                dxf = rule.dxf
                if dxf is None or dxf.fill is None:
                    continue
                bg = _argb(dxf.fill.bgColor)
                fg = _argb(dxf.font.color) if dxf.font and dxf.font.color is not None else "#000000"
                if bg and fg:
                    checked += 1
                    assert ratio(fg, bg) >= AA, f"{ws.title} rule {rule.formula}: {fg} on {bg}"
    assert checked > 20
