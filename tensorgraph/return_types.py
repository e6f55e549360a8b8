"""``tg.return_types``: the named tuples that ``max(dim)``, ``sort``, ``topk``, ... return.

Each is a ``namedtuple`` (indexing, unpacking, ``.values`` / ``.indices``) named as torch's,
and prints as torch's does::

    tensorgraph.return_types.max(
    values=tensor([3., 4.]),
    indices=tensor([1, 0]))
"""

from __future__ import annotations

from collections import namedtuple


def _structseq(name: str, fields: list[str]) -> type:
    base = namedtuple(name, fields)

    def __repr__(self) -> str:
        body = ",\n".join(f"{k}={v!r}" for k, v in zip(self._fields, self))
        return f"tensorgraph.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__,
                               "__module__": __name__, "__qualname__": name})
    return cls


aminmax = _structseq("aminmax", ["min", "max"])
max = _structseq("max", ["values", "indices"])  # noqa: A001  (torch's names)
min = _structseq("min", ["values", "indices"])  # noqa: A001
sort = _structseq("sort", ["values", "indices"])
topk = _structseq("topk", ["values", "indices"])
kthvalue = _structseq("kthvalue", ["values", "indices"])
median = _structseq("median", ["values", "indices"])
nanmedian = _structseq("nanmedian", ["values", "indices"])
histogram = _structseq("histogram", ["hist", "bin_edges"])
cummax = _structseq("cummax", ["values", "indices"])
cummin = _structseq("cummin", ["values", "indices"])
mode = _structseq("mode", ["values", "indices"])
slogdet = _structseq("slogdet", ["sign", "logabsdet"])
linalg_slogdet = _structseq("linalg_slogdet", ["sign", "logabsdet"])
linalg_qr = _structseq("linalg_qr", ["Q", "R"])
qr = _structseq("qr", ["Q", "R"])
linalg_eigh = _structseq("linalg_eigh", ["eigenvalues", "eigenvectors"])
linalg_svd = _structseq("linalg_svd", ["U", "S", "Vh"])
svd = _structseq("svd", ["U", "S", "V"])
linalg_lstsq = _structseq("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])

__all__ = ["aminmax", "cummax", "cummin", "histogram", "kthvalue", "linalg_eigh", "linalg_lstsq",
           "linalg_qr", "linalg_slogdet", "linalg_svd", "max", "median", "min", "mode",
           "nanmedian", "qr", "slogdet", "sort", "svd", "topk"]
