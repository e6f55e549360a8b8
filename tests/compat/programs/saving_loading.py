# The official "Saving and Loading Models" recipe: print the model's and the optimizer's
# state_dict, save/load the state_dict with weights_only=True, a general checkpoint dict,
# several models in one file, warm-starting with strict=False, and register_buffer.
import os
import tempfile
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.register_buffer("calls", torch.zeros((), dtype=torch.long))
        self.register_buffer("scratch", torch.ones(2), persistent=False)

    def forward(self, x):
        self.calls += 1
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


torch.manual_seed(0)
model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

inputs, labels = torch.randn(4, 3, 32, 32), torch.tensor([1, 0, 3, 9])
for epoch in range(2):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), labels)
    loss.backward()
    optimizer.step()
    print(epoch, f"{loss.item():.6f}")
print(optimizer.state_dict()['state'][0]['momentum_buffer'].shape, list(optimizer.state_dict()['state'].keys()))

with tempfile.TemporaryDirectory() as d:
    PATH = os.path.join(d, "model.pt")
    torch.save(model.state_dict(), PATH)
    model2 = TheModelClass()
    result = model2.load_state_dict(torch.load(PATH, weights_only=True))
    print(result)
    model2.eval()
    with torch.no_grad():
        print(torch.equal(model(inputs), model2(inputs)), model2.calls, "scratch" in model2.state_dict())

    CK = os.path.join(d, "ck.tar")
    torch.save({'epoch': 2, 'model_state_dict': model.state_dict(),
                'optimizer_state_dict': optimizer.state_dict(), 'loss': loss}, CK)
    model3 = TheModelClass()
    optimizer3 = optim.SGD(model3.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(CK, weights_only=True)
    model3.load_state_dict(checkpoint['model_state_dict'])
    optimizer3.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch = checkpoint['epoch']
    loss = checkpoint['loss']
    print(epoch, loss, type(epoch).__name__)
    model3.train()
    for m, opt in ((model, optimizer), (model3, optimizer3)):
        opt.zero_grad()
        l = F.cross_entropy(m(inputs), labels)
        l.backward()
        opt.step()
        print(f"{l.item():.6f}", m.fc3.bias[:3])
    print(optimizer3.param_groups[0]['lr'], optimizer3.state_dict()['param_groups'])

    MULTI = os.path.join(d, "multi.tar")
    netA, netB = nn.Linear(4, 3), nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    torch.save({'modelA_state_dict': netA.state_dict(), 'modelB_state_dict': netB.state_dict()}, MULTI)
    ck = torch.load(MULTI, weights_only=True)
    print(sorted(ck), list(ck['modelB_state_dict'].keys()))

    class NetC(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
            self.head = nn.Linear(2, 1)

    netC = NetC()
    res = netC.body.load_state_dict(ck['modelB_state_dict'], strict=False)
    print(res.missing_keys, res.unexpected_keys)
    res = netC.load_state_dict(ck['modelB_state_dict'], strict=False)
    print(res.missing_keys, res.unexpected_keys)
    print(torch.equal(netC.body[2].weight, netB[2].weight))
    try:
        netC.load_state_dict(ck['modelB_state_dict'])
    except RuntimeError as e:
        print("strict load refused:", type(e).__name__)

print(list(dict(model.named_buffers()).keys()), [n for n, _ in model.named_children()])
print([type(m).__name__ for m in model.modules()][:4], model.fc1)
sd = model.state_dict()
print(sd['fc1.bias'].requires_grad, sd['conv1.weight'].is_leaf, sd['calls'].dtype == torch.long)
sd2 = model.state_dict(keep_vars=True)
print(sd2['fc1.bias'].requires_grad, type(sd2['fc1.bias']).__name__)
