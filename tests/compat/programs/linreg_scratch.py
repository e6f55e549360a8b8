# Linear regression from scratch, textbook style (d2l 3.2): synthetic data, a hand-made
# data iterator, and SGD written out with `.data` updates.
# compat: rtol=1e-5 atol=1e-6
import random

import numpy as np
import torch


def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    rng = np.random.default_rng(42)
    X = torch.from_numpy(rng.normal(0, 1, (num_examples, len(w))).astype(np.float32))
    y = torch.matmul(X, w) + b
    y += torch.from_numpy(rng.normal(0, 0.01, y.shape).astype(np.float32))
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print('features:', features[0].tolist(), '\nlabel:', labels[0].tolist())


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad.data / batch_size
        param.grad.data.zero_()


random.seed(0)
w = torch.from_numpy(np.random.default_rng(1).normal(0, 0.01, (2, 1)).astype(np.float32))
w.requires_grad_(True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
net, loss = linreg, squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
print(f'error in estimating w: {(true_w - w.reshape(true_w.shape)).tolist()}')
print(f'error in estimating b: {(true_b - b).item()}')
print("w", w.detach().numpy().ravel().tolist(), "b", b.item())
