"""Colours, escaping and HTML-like labels shared by every drawing.

Graphviz HTML-like labels (``label=<...>``) let a node show several lines in
different sizes and colours. Everything user-controlled in them (names, values,
source lines) goes through :func:`esc`, so ``< > & " '`` cannot break the DOT or
the SVG that ``dot`` writes from it.
"""

from __future__ import annotations

import html
import math

from tensorgraph.graph import Graph, Summary

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
ZERO_COLOUR = "#ffffff"
NO_GRAD = "#b0b0b0"

# Colour stops, cool (small gradients) to hot (large); a graph's scale picks from them.
_STOPS = ["#3b4cc0", "#6788ee", "#9abbff", "#c9d7f0", "#edd1c2", "#f7a889", "#e26952",
          "#b40426"]


GRAD_INK = "#08519c"  # gradient rows: the step page finds them by this colour
PENDING_INK = "#8c6d00"  # "grad: pending" rows


def esc(text: object) -> str:
    """Escape text for a Graphviz HTML-like label (and so for SVG); newlines -> <br/>."""
    # dot expands "\\N" (node name) even in HTML labels, entities too; "\\\\" is literal.
    text = html.escape(str(text), quote=True).replace("\\", "\\\\")
    return text.replace("\n", "<br/>")


class GradScale:
    """A log colour scale fitted to one graph: one bin per decade its gradient norms
    span (cool = small, hot = large). Zero is its own colour; NaN/inf, vanishing
    (``0 < norm < 1e-7``) and exploding (``> 1e3``) are flagged on top.

    Example:
        >>> scale = GradScale([1e-3, 0.5, 2.0])     # decades 1e-3 .. 1e1: 4 bins
        >>> scale.colour(Summary.of(np.array([0.02])))
    """

    def __init__(self, norms: list[float]) -> None:
        finite = [n for n in norms if math.isfinite(n) and n > 0]
        if finite:
            self.lo = math.floor(math.log10(min(finite)))
            self.hi = max(math.ceil(math.log10(max(finite))), self.lo + 1)
            if math.log10(max(finite)) == self.hi:  # 1.0 exactly belongs to [1, 10)
                self.hi += 1
        else:
            self.lo, self.hi = 0, 1
        n = self.hi - self.lo
        self.colours = [_STOPS[round(i * (len(_STOPS) - 1) / max(n - 1, 1))] for i in range(n)]

    @classmethod
    def of_graph(cls, graph: Graph) -> GradScale:
        return cls([n.grad.norm for n in graph.nodes if n.grad is not None])

    def colour(self, s: Summary | None) -> tuple[str, str | None]:
        """``(colour, flag)``: flag is 'NaN', 'inf', 'zero', 'vanishing', 'exploding' or None."""
        if s is None:
            return NO_GRAD, None
        if not s.finite:
            return NAN_COLOUR, "NaN" if s.nan else "inf"
        if s.norm == 0:
            return ZERO_COLOUR, "zero"
        i = min(max(math.floor(math.log10(s.norm)) - self.lo, 0), len(self.colours) - 1)
        flag = ("vanishing" if s.norm < VANISHING else "exploding" if s.norm > EXPLODING
                else None)
        return self.colours[i], flag

    def pen_width(self, s: Summary | None) -> str:
        """Thicker edges for larger gradients (1 to 4 points, across the graph's span)."""
        if s is None or not s.finite or not s.norm > 0:
            return "1"
        t = (math.log10(s.norm) - self.lo) / (self.hi - self.lo)
        return f"{1 + 3 * min(max(t, 0.0), 1.0):.2f}"

    def legend(self) -> str:
        """An HTML-like label: one cell per decade (its range), then the special colours."""
        cells = "".join(
            f'<td bgcolor="{c}">{small(f"1e{self.lo + i}..1e{self.lo + i + 1}", _ink(c), 7)}</td>'
            for i, c in enumerate(self.colours))
        flags = (f'<td bgcolor="{ZERO_COLOUR}">{small("zero", size=7)}</td>'
                 f'<td bgcolor="{NAN_COLOUR}">{small("NaN/inf", "#ffffff", 7)}</td>')
        title = small(f"gradient norm |dL/dt|, one colour per decade; flagged: vanishing "
                      f"< {VANISHING:g}, exploding > {EXPLODING:g}", size=8)
        span = len(self.colours) + 2
        return (f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="2">'
                f'<tr><td colspan="{span}">{title}</td></tr><tr>{cells}{flags}</tr></table>>')


def _ink(fill: str) -> str:
    """Black or white text, whichever reads on ``fill``."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


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
