# compat: rtol=1e-4 atol=1e-5
# The official MNIST net on small random images, with forward/pre/full-backward hooks, a hook that
# rescales an output, Adadelta, and dropout after conv/pool layers (seeded masks as torch).
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(6)

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 3 * 3, 16)
        self.fc2 = nn.Linear(16, 3)
    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)

model = Net()
activations = {}
def get_activation(name):
    def hook(model, input, output):
        activations[name] = output.detach()
    return hook
grads = {}
def bhook(name):
    def hook(module, grad_input, grad_output):
        grads[name] = (len(grad_input), [None if g is None else tuple(g.shape) for g in grad_input],
                       grad_output[0].norm().item())
    return hook
h1 = model.conv2.register_forward_hook(get_activation('conv2'))
h2 = model.fc1.register_forward_hook(get_activation('fc1'))
h3 = model.fc2.register_full_backward_hook(bhook('fc2'))
h4 = model.conv1.register_full_backward_hook(bhook('conv1'))
pre_calls = []
h5 = model.fc1.register_forward_pre_hook(lambda m, inp: pre_calls.append(inp[0].shape))
def scale_hook(m, inp, out):
    return out * 2.0
h6 = model.fc2.register_forward_hook(scale_hook)

x = torch.randn(10, 1, 10, 10)
target = torch.randint(0, 3, (10,))
optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
model.train()
for step in range(3):
    optimizer.zero_grad()
    output = model(x)
    loss = F.nll_loss(output, target)
    loss.backward()
    optimizer.step()
    print('step {} loss {:.6f}'.format(step, loss.item()))
print("act conv2", activations['conv2'].shape, "%.6f" % activations['conv2'].mean().item())
print("act fc1", activations['fc1'].shape, "%.6f" % activations['fc1'].abs().sum().item())
for k in sorted(grads):
    print("grad", k, grads[k][0], grads[k][1], "%.6f" % grads[k][2])
print("pre", pre_calls)
for h in (h1, h2, h3, h4, h5, h6):
    h.remove()
model.eval()
with torch.no_grad():
    output = model(x)
    test_loss = F.nll_loss(output, target, reduction='sum').item()
    pred = output.argmax(dim=1, keepdim=True)
    correct = pred.eq(target.view_as(pred)).sum().item()
print('Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)'.format(
    test_loss / 10, correct, 10, 100. * correct / 10))
print(len(pre_calls), model._forward_hooks, model.fc1._forward_pre_hooks)
# tensor hooks
w = torch.randn(3, requires_grad=True)
hh = w.register_hook(lambda g: g * 10)
(w * w).sum().backward()
print(w.grad)
hh.remove()
v = torch.randn(3, requires_grad=True)
u = v * 2
u.retain_grad()
(u ** 2).sum().backward()
print(u.grad, v.grad, u.is_leaf, u.requires_grad)
