# dtypes the way tutorials print and test them: print(x.dtype), tensors of int and float64
# values (whose repr names the dtype), dtype comparisons, x.type(), finfo/iinfo, casts of
# tensors and modules, dtype-keyed dicts, state_dict dtypes, pickling, strides of views.
import pickle

import torch

x = torch.tensor([1, 2, 3])
print(x.dtype)
print(x, x.type())
y = torch.tensor([1.0, 2.5], dtype=torch.float64)
print(y)
print(y.dtype, y.type(), f"dtype: {y.dtype}", "%s" % y.dtype)
print(x.float().dtype, x.double().type(), x.half().type(), x.bool().type(), x.byte().type())
print(x.dtype == torch.int64, y.dtype == torch.float32, y.dtype != torch.float32)
print(x.dtype is torch.long, torch.half is torch.float16, torch.float, torch.double, torch.int)
print(torch.zeros(2, 3, dtype=torch.int32))
print(torch.tensor([True, False]), torch.tensor([1, 2], dtype=torch.uint8))
print(torch.tensor([0.5, 1.0], dtype=torch.float16), torch.tensor(7, dtype=torch.int16))
print(torch.empty(0, dtype=torch.int64), torch.zeros(0), torch.zeros(2, 0, dtype=torch.float64))
print(torch.get_default_dtype(), torch.arange(5).dtype, torch.arange(5.0).dtype)
print(torch.randn(2).dtype, torch.randint(0, 5, (2,)).dtype, torch.ones(2).long().dtype)
print((x / 2).dtype, (x * 1.5).dtype, (x[:2] + y).dtype, (x > 1).dtype, x.sum().dtype)
print(x.to(torch.float16).dtype, x.to(y).dtype, x.to("cpu", torch.float64).dtype)
print(x.is_floating_point(), y.is_floating_point(), y.dtype.is_floating_point)
print(y.dtype.itemsize, torch.uint8.is_signed, torch.int8.is_signed, x.element_size())
print(torch.finfo(torch.float32).eps, torch.finfo(torch.float16).max, torch.finfo().tiny)
print(torch.finfo(torch.float64))
print(torch.iinfo(torch.int32).max, torch.iinfo(torch.uint8))
print(str(torch.float32), repr(torch.bool), [torch.int64, torch.float16])
names = {torch.float32: "single", torch.float64: "double", torch.int64: "long"}
print(names[x.dtype], names[y.dtype], names[torch.randn(1).dtype])

model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
print(next(model.parameters()).dtype)
model.double()
print({k: v.dtype for k, v in model.state_dict().items()})
model.half()
print(model[0].weight.dtype, model[1].num_batches_tracked.dtype)
model.float()
out = model(torch.randn(4, 3))
print(out.dtype, out.shape)
if out.dtype != torch.float32:
    raise SystemExit("wrong dtype")

print(pickle.loads(pickle.dumps(torch.float64)) is torch.float64)
print(pickle.loads(pickle.dumps({"dtype": torch.int32}))["dtype"])
torch.set_default_dtype(torch.float64)
print(torch.tensor([1.5]), torch.tensor([1.5], dtype=torch.float32), torch.get_default_dtype())
torch.set_default_dtype(torch.float32)

a = torch.arange(12.0).reshape(3, 4)
print(a.stride(), a.t().stride(), a.t().is_contiguous(), a[:, ::2].stride(), a.stride(0))
print(a[1:, 1:].storage_offset(), a[1].storage_offset(), a.unsqueeze(1).stride())
print(torch.arange(3.0).view(3, 1).expand(3, 4).stride(), a.permute(1, 0).contiguous().stride())
