# Dive into Deep Learning: batch normalization from scratch (batch_norm with moving
# statistics and torch.is_grad_enabled()), a LeNet with the hand-written BatchNorm,
# the concise LeNet with nn.BatchNorm2d/1d, init by net.apply, and the layer-shape walk.
import torch
from torch import nn


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.1)
        return Y


def lenet(bn):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), bn(6, 4, 2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), bn(16, 4, 2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120), bn(120, 2, 1), nn.Sigmoid(),
        nn.Linear(120, 84), bn(84, 2, 1), nn.Sigmoid(),
        nn.Linear(84, 10))


def scratch_bn(n, dims, _):
    return BatchNorm(n, num_dims=dims)


def torch_bn(n, _, kind):
    return nn.BatchNorm2d(n) if kind == 2 else nn.BatchNorm1d(n)


def init_weights(m):
    if type(m) == nn.Linear or type(m) == nn.Conv2d:
        nn.init.xavier_uniform_(m.weight)


torch.manual_seed(0)
X_all = torch.rand(64, 1, 28, 28)
y_all = (X_all.mean(dim=(1, 2, 3)) * 100).long() % 10
for name, bn in [("scratch", scratch_bn), ("concise", torch_bn)]:
    torch.manual_seed(1)
    net = lenet(bn)
    net.apply(init_weights)
    if name == "scratch":
        X = torch.rand(size=(1, 1, 28, 28))
        for layer in net:
            X = layer(X) if not isinstance(layer, BatchNorm) else X
            print(layer.__class__.__name__, 'output shape:\t', X.shape)
    trainer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss = nn.CrossEntropyLoss(reduction='none')
    for epoch in range(3):
        net.train()
        for i in range(0, 64, 16):
            X, y = X_all[i:i + 16], y_all[i:i + 16]
            y_hat = net(X)
            l = loss(y_hat, y)
            trainer.zero_grad()
            l.mean().backward()
            trainer.step()
        net.eval()
        with torch.no_grad():
            acc = (net(X_all).argmax(axis=1) == y_all).float().mean()
        print(name, epoch, f"{l.mean().item():.5f}", f"{acc.item():.4f}")
    print(net[1].gamma.reshape((-1,)) if name == "scratch" else net[1].weight.reshape((-1,)))
    print(net[1].beta.reshape((-1,)) if name == "scratch" else net[1].bias.reshape((-1,)))
    if name == "concise":
        print(net[1].running_mean, net[1].num_batches_tracked)
        print(net[1], net[9], net[10])
