# compat: rtol=1e-3 atol=1e-4
# Dive into Deep Learning 8.6 (ResNet): the Residual block with an optional 1x1 conv,
# the b1..b5 stages, AdaptiveAvgPool2d((1, 1)), the layer-shape walk, kaiming init by
# net.apply, a few SGD steps with BatchNorm in train mode, then eval-mode accuracy.
import torch
from torch import nn
from torch.nn import functional as F


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


torch.manual_seed(0)
blk = Residual(3, 3)
X = torch.rand(4, 3, 6, 6)
Y = blk(X)
print(Y.shape)
blk = Residual(3, 6, use_1x1conv=True, strides=2)
print(blk(X).shape)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


b1 = nn.Sequential(nn.Conv2d(1, 8, kernel_size=7, stride=2, padding=3),
                   nn.BatchNorm2d(8), nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b2 = nn.Sequential(*resnet_block(8, 8, 2, first_block=True))
b3 = nn.Sequential(*resnet_block(8, 16, 2))
b4 = nn.Sequential(*resnet_block(16, 32, 1))
net = nn.Sequential(b1, b2, b3, b4, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, 4))
X = torch.rand(size=(1, 1, 48, 48))
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape:\t', X.shape)


def init_weights(m):
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.constant_(m.weight, 1)
        nn.init.constant_(m.bias, 0)


net.apply(init_weights)
print(sum(p.numel() for p in net.parameters()), len(list(net.modules())))
images = torch.rand(24, 1, 48, 48)
images[:12, :, :24] += 0.5
labels = torch.cat([torch.zeros(12, dtype=torch.long), torch.ones(12, dtype=torch.long)])
labels[::5] = 2
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4, nesterov=True)
for step in range(3):
    net.train()
    perm = torch.randperm(24)
    for i in range(0, 24, 8):
        idx = perm[i:i + 8]
        out = net(images[idx])
        loss = F.cross_entropy(out, labels[idx], label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.inference_mode():
        pred = net(images)
    acc = (pred.argmax(dim=1) == labels).float().mean()
    print(f"step {step} loss {loss.item():.5f} acc {acc.item():.4f}")
bn = net[0][1]
print(bn.running_mean[:4], bn.running_var[:4], bn.num_batches_tracked)
print(net[1][0].bn1)
print(net[2][0].conv3, net[4], net[6])
