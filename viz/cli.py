"""Command line: ``python -m viz SCRIPT -o OUT`` renders a script's loss graph."""

from __future__ import annotations

import argparse
import os
import runpy
import sys
from pathlib import Path
from typing import Any

import tensorgraph as tg
import tensorgraph.graph

from .render import FORMATS, DotNotFoundError, render
from .show import shown
from .steps import backprop_steps

EPILOG = """\
Which graph is drawn (first that applies):
  1. the last tensor the script passed to viz.show(loss, ...) (its draw options too);
  2. the script's module-level variable named by --var (default: loss);
  3. the Tensor returned by the script's main() function, called with no arguments.
The script runs with __name__ == "__viz__", so its `if __name__ == "__main__":` block
does not run. A module-level nn.Module named by --model-var (default: model) names the
parameters and groups ops into modules. Keep the final graph alive: do not call
loss.backward() on it, or call loss.backward(retain_graph=True).

Writes into OUT: graph.<fmt> (forward view), graph_grad.<fmt> (gradient view),
graph_modules.<fmt> (one node per module, with a model) and steps/index.html
(the backward pass frame by frame).

When the script raises during its forward pass (a shape error), graph.<fmt> shows
what was recorded up to the failing op, its inputs outlined in red, and viz exits 1.

Example:
  python -m viz examples/graph_demo.py -o out/
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m viz",
        description="Render the computation graph a tensorgraph script recorded, and its "
                    "backward pass step by step, for lessons and debugging.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("script", help="a Python script that builds a loss with tensorgraph; "
                   "arguments after -- are passed to it")
    p.add_argument("-o", "--out", default="viz_out", help="output folder (default: viz_out)")
    p.add_argument("--var", default="loss", help="module-level variable holding the loss")
    p.add_argument("--model-var", default="model",
                   help="module-level variable holding the nn.Module (optional)")
    p.add_argument("--format", default="svg", choices=FORMATS,
                   help="file format of the graphs (default: svg)")
    p.add_argument("--no-steps", action="store_true",
                   help="skip the step-by-step backward frames")
    p.add_argument("--max-nodes", type=int, default=500,
                   help="collapse the middle of graphs bigger than this (default: 500)")
    return p


def find_graph(namespace: dict, var: str, model_var: str) -> tuple[Any, dict]:
    """``(loss tensor, draw options)`` from a script's run, by the documented rules."""
    if shown:
        root, kwargs = shown[-1]
        kwargs = dict(kwargs)
        kwargs.setdefault("names", {k: v for k, v in namespace.items()
                                    if isinstance(v, tg.Tensor)})
        return root, kwargs
    # The script's own variable names label its tensors (x, w1, h, loss).
    kwargs: dict = {"names": {k: v for k, v in namespace.items() if isinstance(v, tg.Tensor)}}
    model = namespace.get(model_var)
    if model is not None and hasattr(model, "named_parameters"):
        kwargs["model"] = model
    root = namespace.get(var)
    if isinstance(root, tg.Tensor):
        return root, kwargs
    main = namespace.get("main")
    if callable(main):
        result = main()
        if isinstance(result, tg.Tensor):
            return result, kwargs
    raise SystemExit(
        f"viz: found no graph to draw. Call viz.show(loss) in the script, or give it a "
        f"module-level variable '{var}' (change the name with --var), or a main() that "
        "returns the loss."
    )


def draw_failure(exc: Exception, script: Path, out: Path, args: argparse.Namespace) -> int:
    """Draw the graph recorded up to the op that raised, its operands highlighted."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    message = f"{type(exc).__name__}: {exc}"
    operands = next(([v for v in f.f_locals.values() if isinstance(v, tg.Tensor)]
                     for f in reversed(frames)
                     if any(isinstance(v, tg.Tensor) for v in f.f_locals.values())), [])
    if not operands:
        print(f"viz: {script} raised before recording any tensor:\n{message}",
              file=sys.stderr)
        return 1
    user = [f for f in frames if Path(f.f_code.co_filename).resolve() == script.resolve()]
    names: dict = {}
    for f in [*user, *reversed(frames)]:  # the script's own names first
        for k, v in f.f_locals.items():
            if isinstance(v, tg.Tensor) and all(v is not w for w in names.values()):
                names.setdefault(k, v)
    model = next((f.f_globals.get(args.model_var) for f in user
                  if hasattr(f.f_globals.get(args.model_var), "named_parameters")), None)
    graph = tensorgraph.graph.trace_partial(operands, message, model=model, names=names)
    os.makedirs(out, exist_ok=True)
    try:
        path = render(graph, out / f"graph.{args.format}", max_nodes=args.max_nodes,
                      title=f"{script.name}: the graph up to the op that failed")
    except DotNotFoundError as e:
        print(f"viz: {e}", file=sys.stderr)
        return 3
    print(path)
    print(f"viz: {script} raised {message}\nThe graph up to the failing op is in {path}; "
          "its inputs are outlined in red.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = build_parser().parse_args(argv[:len(argv) - len(extra) - bool(extra or "--" in argv)])
    script = Path(args.script)
    if not script.is_file():
        print(f"viz: no such script: {script}", file=sys.stderr)
        return 2
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [str(script), *extra]
    sys.path.insert(0, str(script.resolve().parent))
    shown.clear()
    try:
        with tensorgraph.graph.record_sources(), tensorgraph.graph.record_all_modules():
            namespace = runpy.run_path(str(script), run_name="__viz__")
        root, kwargs = find_graph(namespace, args.var, args.model_var)
    except Exception as exc:  # noqa: BLE001  (any error of the script: draw what it recorded)
        return draw_failure(exc, script, Path(args.out), args)
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    out = Path(args.out)
    os.makedirs(out, exist_ok=True)
    kwargs.setdefault("max_nodes", args.max_nodes)
    base = {k: v for k, v in kwargs.items() if k not in ("color", "collapse", "grads")}
    fmt = args.format
    written = []
    try:
        written.append(render(root, out / f"graph.{fmt}", **base))
        written.append(render(root, out / f"graph_grad.{fmt}", color="grad", **base))
        if base.get("model") is not None or base.get("params") is not None:
            written.append(render(root, out / f"graph_modules.{fmt}", collapse="module",
                                  **base))
        if not args.no_steps and fmt != "dot":
            steps_kw = {k: v for k, v in base.items()
                        if k in ("params", "model", "names", "max_nodes", "rankdir")}
            written.append(backprop_steps(root, out / "steps", **steps_kw))
    except DotNotFoundError as exc:
        print(f"viz: {exc}", file=sys.stderr)
        return 3
    for path in written:
        print(path)
    return 0
