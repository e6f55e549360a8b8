"""Colours, escaping and HTML-like labels shared by every drawing.

Graphviz HTML-like labels (``label=<...>``) let a node show several lines in
different sizes and colours. Everything user-controlled in them (names, values,
source lines) goes through :func:`esc`, so ``< > & " '`` cannot break the DOT or
the SVG that ``dot`` writes from it.
"""

from __future__ import annotations

import html
import math

from tensorgraph.graph import Summary

#: Gradient norms below this are flagged as vanishing, above ``EXPLODING`` as exploding.
VANISHING = 1e-7
EXPLODING = 1e3

FONT = "Helvetica"
PARAM_FILL = "#fff3c4"  # parameters: what the optimizer updates
INPUT_FILL = "#f2f2f2"  # data and constants: no gradient
TENSOR_FILL = "#e3f0fb"  # intermediate results
ROOT_FILL = "#d9f2d9"  # the loss
OP_FILL = "#ffffff"
MODULE_FILL = "#fbf7ff"
HIDDEN_FILL = "#eeeeee"
CURRENT = "#e6550d"  # the op being processed in a backprop frame
KNOWN = "#31a354"  # gradients already known in a backprop frame
NAN_COLOUR = "#d6008f"
VANISH_COLOUR = "#9e9e9e"
NO_GRAD = "#b0b0b0"

# Colour stops for log10(|grad|) from VANISHING (cool) to EXPLODING (hot).
_STOPS = ["#3b4cc0", "#6788ee", "#9abbff", "#c9d7f0", "#edd1c2", "#f7a889", "#e26952",
          "#b40426"]


def esc(text: object) -> str:
    """Escape text for a Graphviz HTML-like label (and so for SVG); newlines -> <br/>."""
    # dot expands "\\N" (node name) even in HTML labels, entities too; "\\\\" is literal.
    text = html.escape(str(text), quote=True).replace("\\", "\\\\")
    return text.replace("\n", "<br/>")


def grad_colour(s: Summary | None) -> tuple[str, str | None]:
    """``(colour, flag)`` for a gradient: flag is 'NaN', 'vanishing', 'exploding' or None."""
    if s is None:
        return NO_GRAD, None
    if not s.finite:
        return NAN_COLOUR, "NaN" if s.nan else "inf"
    if not s.norm >= VANISHING:  # also catches an all-zero gradient
        return VANISH_COLOUR, "vanishing"
    if s.norm > EXPLODING:
        return _STOPS[-1], "exploding"
    lo, hi = math.log10(VANISHING), math.log10(EXPLODING)
    t = (math.log10(s.norm) - lo) / (hi - lo)
    return _STOPS[min(int(t * len(_STOPS)), len(_STOPS) - 1)], None


def pen_width(s: Summary | None) -> str:
    """Thicker edges for larger gradients (1 to 4 points, log scale)."""
    if s is None or not s.finite or not s.norm > 0:
        return "1"
    lo, hi = math.log10(VANISHING), math.log10(EXPLODING)
    t = min(max((math.log10(s.norm) - lo) / (hi - lo), 0.0), 1.0)
    return f"{1 + 3 * t:.2f}"


def table(rows: list[str], fill: str, border: int = 1, colour: str = "#555555",
          style: str = "rounded") -> str:
    """An HTML-like label: one cell per row (rows are already-escaped HTML)."""
    cells = "".join(f"<tr><td>{r}</td></tr>" for r in rows)
    return (f'<<table border="{border}" cellborder="0" cellspacing="0" cellpadding="3" '
            f'bgcolor="{fill}" color="{colour}" style="{style}">{cells}</table>>')


def small(text: str, colour: str = "#333333", size: int = 9) -> str:
    return f'<font point-size="{size}" color="{colour}">{esc(text)}</font>'


def bold(text: str, size: int = 11) -> str:
    return f'<font point-size="{size}"><b>{esc(text)}</b></font>'


def shape_text(shape: tuple) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def legend_label() -> str:
    """The gradient-view legend: colour stops on a log scale and the three flags."""
    lo, hi = math.log10(VANISHING), math.log10(EXPLODING)
    step = (hi - lo) / len(_STOPS)
    cells = "".join(
        f'<td bgcolor="{c}" width="26">'
        f'{small(f"1e{lo + i * step:.0f}", "#ffffff" if i in (0, len(_STOPS) - 1) else "#333333", 7)}</td>'
        for i, c in enumerate(_STOPS)
    )
    flags = (f'<td bgcolor="{VANISH_COLOUR}" colspan="3">{small("vanishing < 1e-7", size=8)}</td>'
             f'<td bgcolor="{_STOPS[-1]}" colspan="3">'
             f'{small("exploding > 1e3", "#ffffff", size=8)}</td>'
             f'<td bgcolor="{NAN_COLOUR}" colspan="2">{small("NaN/inf", "#ffffff", size=8)}</td>')
    title = small("gradient norm |dL/dt| (log scale)", size=9)
    return (f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="2">'
            f'<tr><td colspan="{len(_STOPS)}">{title}</td></tr><tr>{cells}</tr>'
            f"<tr>{flags}</tr></table>>")
