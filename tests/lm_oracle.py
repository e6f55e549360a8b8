"""Helpers for the language-model layer tests: twin modules (torch and tensorgraph with
the same weights), and comparing outputs and gradients in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import tensorgraph as tg
from tensorgraph import nn


def twins(torch: Any, make: Callable[[Any], Any]) -> tuple[Any, Any]:
    """(torch module, tensorgraph module) built by ``make(nn_namespace)``, float64,
    the tensorgraph one loaded from torch's state_dict."""
    tm = make(torch.nn).double()
    m = make(nn).double()
    sd = tm.state_dict()
    assert list(m.state_dict()) == list(sd), (list(m.state_dict()), list(sd))
    m.load_state_dict({k: v.detach().numpy() for k, v in sd.items()})
    return tm, m


def flat(out: Any) -> list:
    """Every tensor in a (possibly nested) tuple of outputs, in order (None skipped)."""
    if out is None:
        return []
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat(o)]
    return [out]


def check_twins(torch: Any, tm: Any, m: Any, arrays: list, kwargs: dict | None = None,
                tol: float = 1e-9, seed: int = 0) -> None:
    """Run both modules on the same inputs; compare every output and, for a random
    weighting of the outputs, the gradients of the inputs and every parameter."""
    kwargs = kwargs or {}
    targs = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
             else a for a in arrays]
    gargs = [tg.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray)
             else a for a in arrays]
    tk = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    gk = {k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    touts, gouts = flat(tm(*targs, **tk)), flat(m(*gargs, **gk))
    assert len(touts) == len(gouts)
    rng = np.random.default_rng(seed)
    tloss, gloss = 0, 0
    for t, g in zip(touts, gouts):
        assert tuple(t.shape) == tuple(g.shape), (t.shape, g.shape)
        np.testing.assert_allclose(g.array, t.detach().numpy(), rtol=tol, atol=tol)
        if t.requires_grad:
            w = rng.standard_normal(tuple(t.shape))
            tloss = tloss + (t * torch.tensor(w)).sum()
            gloss = gloss + (g * tg.tensor(w)).sum()
    tloss.backward()
    gloss.backward()
    for i, (t, g) in enumerate(zip(targs, gargs)):
        if hasattr(t, "grad") and t.grad is not None:
            np.testing.assert_allclose(g.grad.array, t.grad.numpy(), rtol=tol, atol=tol,
                                       err_msg=f"input {i}")
    tparams = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        tp = tparams[name]
        if tp.grad is None:
            assert p.grad is None or not np.any(p.grad.array), name
            continue
        np.testing.assert_allclose(p.grad.array, tp.grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=name)
