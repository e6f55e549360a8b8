"""``tg.onnx``: not available (no ONNX exporter). Every name exists so a program imports
it, but using one raises :class:`~tensorgraph.unsupported.NotAvailableError`; export the
weights with ``tg.save(model.state_dict(), "model.safetensors")`` and load them in torch."""

from __future__ import annotations

from .unsupported import raising_getattr

_WHAT = "ONNX export"


__getattr__ = raising_getattr("torch.onnx", _WHAT)
