# Everyday tensor idioms copied from answers and notebooks: torch.where with scalars,
# topk/argsort/sort(descending), gather/scatter_/scatter_add_, masked_fill/masked_select,
# clamp with tensors, cat/stack/chunk/split, F.pad, F.one_hot, einsum, tolist/item,
# dtype conversions, allclose/isclose/testing.assert_close, nonzero, unique, bincount.
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(4, 5)
print(torch.where(x > 0, x, torch.zeros_like(x)))
print(torch.where(x > 0, 1.0, -1.0), torch.where(x > 0, 1, 0).dtype == torch.int64)
print(torch.where(x > 1))
vals, idx = torch.topk(x, 2, dim=1)
print(vals, idx)
print(x.topk(3, largest=False).indices, x.flatten().topk(3).values)
print(torch.argsort(x[0]), torch.argsort(x[0], descending=True), x[0].sort(descending=True))
print(x.argmax(), x.argmax(1, keepdim=True), torch.max(x, dim=0))
print(x.gather(1, torch.tensor([[0], [1], [2], [3]])))
z = torch.zeros(3, 5)
z.scatter_(1, torch.tensor([[0, 1], [2, 3], [4, 0]]), 1.0)
print(z)
s = torch.zeros(5).scatter_add_(0, torch.tensor([0, 1, 1, 3, 3, 3]), torch.ones(6))
print(s, torch.bincount(torch.tensor([0, 1, 1, 3, 3, 3])))
labels = torch.tensor([2, 0, 1])
print(torch.zeros(3, 4).scatter(1, labels.unsqueeze(1), 1), F.one_hot(labels, num_classes=4))
m = x > 0.5
print(x.masked_fill(~m, 0.0), torch.masked_select(x, m), x[m])
print(x.clamp(min=-0.5, max=0.5), x.clamp(min=0), torch.clamp(x, -0.1, 0.1).abs().max())
print(x.clamp(min=torch.full((5,), -0.2), max=torch.linspace(0, 1, 5)))
a, b = torch.chunk(x, 2, dim=0)
print(a.shape, b.shape, [t.shape for t in torch.split(x, [2, 3], dim=1)],
      [t.shape for t in x.split(2, dim=1)], [t.shape for t in x.chunk(3, 1)])
print(torch.cat((x, x), dim=0).shape, torch.stack((x, x)).shape, torch.stack([x, x], dim=-1).shape)
print(torch.hstack([a, b]).shape, torch.vstack([a, b]).shape, torch.column_stack([x[:, 0], x[:, 1]]))
p = F.pad(torch.ones(2, 3), (1, 2))
print(p, F.pad(torch.ones(1, 2, 2), (1, 1, 1, 1), value=-1))
print(F.pad(torch.arange(6.).reshape(1, 2, 3), (2, 1), mode="reflect"),
      F.pad(torch.arange(6.).reshape(1, 2, 3), (1, 1), mode="replicate"))
A, B = torch.randn(2, 3, 4), torch.randn(2, 4, 5)
print(torch.allclose(torch.einsum('bij,bjk->bik', A, B), A @ B),
      torch.einsum('ii', torch.eye(3) * 2), torch.einsum('i,j->ij', torch.arange(3.), torch.arange(2.)))
print(torch.einsum('bhqd,bhkd->bhqk', torch.ones(1, 2, 3, 4), torch.ones(1, 2, 5, 4)).shape)
print(x[0].tolist()[:2], x.sum().item(), x.int().tolist()[0], x.long().dtype, x.bool()[0])
print(x.to(torch.float64).dtype == torch.float64, x.half().dtype, x.double().sum().item())
print(torch.tensor([1.7, -1.7, 2.5]).int(), torch.tensor([1.5, 2.5, -0.5]).round())
print(torch.isclose(torch.tensor([1.0, 1.1]), torch.tensor([1.0 + 1e-9, 1.0])))
torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
try:
    torch.testing.assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
except AssertionError:
    print("assert_close raised AssertionError")
print(torch.nonzero(x > 1), (x > 1).nonzero(as_tuple=True))
print(torch.unique(torch.tensor([3, 1, 2, 3, 1])), torch.unique(torch.tensor([3, 1, 3]), return_counts=True))
print(torch.arange(10)[::3], torch.arange(10).flip(0), torch.arange(6).view(2, 3).T.reshape(-1))
print(torch.arange(12).view(3, 4)[:, None, :].shape, x[..., None].shape, x[None].shape)
print(torch.arange(5).unsqueeze(0) + torch.arange(3).unsqueeze(1))
print(torch.tril(torch.ones(3, 3)), torch.triu(torch.ones(3, 3), diagonal=1))
print(torch.cumsum(torch.arange(5), 0), torch.cumprod(torch.tensor([1., 2., 3.]), 0),
      torch.diff(torch.tensor([1, 4, 9, 16])))
print(x.max(dim=1).values, x.min(), x.abs().sum(dim=-1), x.prod(0)[:2], x.median())
print(x.norm(), x.norm(dim=1), torch.linalg.norm(x, ord=1, dim=0), F.normalize(x[:2], dim=1))
print(x.std(dim=0), x.var(unbiased=False), x.mean(dim=[0, 1]), x.logsumexp(dim=1))
print(torch.meshgrid(torch.arange(2), torch.arange(3), indexing='xy'))
print(x.repeat(1, 2).shape, x.expand(2, 4, 5).shape, x[:1].expand(3, -1).shape, x.new_zeros(2))
print(torch.full_like(x[:1], 3.0), torch.empty(2, 3).shape, torch.zeros(2, 3).fill_(7))
y = torch.arange(6).reshape(2, 3)
y[y > 2] = 0
y[0, :] += 10
print(y, y.dtype, y.numel(), y.dim(), y.size(1), y.shape[-1], len(y))
print(torch.tensor(2.5).item(), torch.tensor([3]).item(), float(torch.tensor(1.25)), int(torch.tensor(7.9)))
print(torch.linspace(-1, 1, 5), torch.logspace(0, 2, 3), torch.arange(1, 2, 0.3))
print(x.sign()[0], x.exp()[0], x.sigmoid()[0], x.softmax(-1).sum(-1), torch.log_softmax(x, 1)[0])
