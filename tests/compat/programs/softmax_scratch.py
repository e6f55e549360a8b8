# Softmax regression from scratch (d2l 3.6 style) on generated 3-class data: the
# softmax and cross-entropy written by hand, accuracy, an Accumulator, `.data` updates.
# compat: rtol=1e-4 atol=1e-6
import numpy as np
import torch

rng = np.random.default_rng(0)
num_inputs, num_outputs, n = 20, 3, 600
centers = rng.normal(0, 1.5, (num_outputs, num_inputs))
y_np = rng.integers(0, num_outputs, n)
X_np = centers[y_np] + rng.normal(0, 1, (n, num_inputs))
X = torch.tensor(X_np, dtype=torch.float32)
y = torch.tensor(y_np)

W = torch.tensor(rng.normal(0, 0.01, (num_inputs, num_outputs)), dtype=torch.float32,
                 requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


X_prob = torch.tensor([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]])
print(softmax(X_prob), softmax(X_prob).sum(1))

lr, batch_size = 0.1, 50
for epoch in range(5):
    metric = Accumulator(3)
    for i in range(0, n, batch_size):
        Xb, yb = X[i:i + batch_size], y[i:i + batch_size]
        y_hat = net(Xb)
        l = cross_entropy(y_hat, yb)
        l.mean().backward()
        with torch.no_grad():
            for param in (W, b):
                param.data.sub_(lr * param.grad)
                param.grad.zero_()
        metric.add(float(l.sum()), accuracy(y_hat, yb), yb.numel())
    print(f"epoch {epoch + 1}: loss {metric[0] / metric[2]:.6f} acc {metric[1] / metric[2]:.4f}")
print("W[:2]", W[:2].tolist())
