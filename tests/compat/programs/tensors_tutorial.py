# The official "Tensors" tutorial (learn the basics): tensors from data, numpy, other
# tensors and shapes; attributes; indexing and slicing; joining; arithmetic with out=;
# single-element tensors; in-place ops; the numpy bridge (shared memory both ways).
import numpy as np
import torch

torch.manual_seed(0)
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_data, x_np)

x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor: \n {x_rand} \n")

shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y2, y3)

z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, z2, z3)

agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")

n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")

# quickstart-style odds and ends
x = torch.arange(12).reshape(3, 4)
print(x, x.dtype == torch.int64)
print(torch.linspace(0, 1, steps=5), torch.arange(0, 1, 0.25))
print(torch.zeros(2, 3, dtype=torch.int32), torch.full((2, 2), 7.5))
print(x.float().mean(), x.sum(dim=0), x.max(), x.argmax(dim=1))
print(torch.eye(3, dtype=torch.bool))
print(torch.tensor([1e-8, 1.0, 1e5]), torch.tensor([0.1, 100.0]), torch.tensor([1e10, -3.0]))
print(torch.tensor([[1.5, float('nan')], [float('inf'), -0.0]]))
print(torch.randn(3, requires_grad=True) * 2)
print(torch.tensor(3.25), torch.tensor([]), torch.tensor(7), torch.tensor(True))
print(torch.arange(2000.0).reshape(40, 50))
print(torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([1, 2], dtype=torch.int8))
print(torch.tensor([[1, -2], [300, 4]], dtype=torch.int16).tolist())
print(x.T.is_contiguous(), x.T.contiguous().stride(), x.stride())
