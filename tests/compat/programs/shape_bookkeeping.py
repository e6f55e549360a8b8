# A classifier trained the way tutorials write the loop: shapes read with x.shape /
# x.size(), torch.Size compared and printed, running loss weighted by inputs.size(0),
# accuracy from (predicted == labels).sum().item() / total, and view(x.shape[0], -1).
# Weights and data come from torch.manual_seed (tensorgraph reproduces torch's streams).
# compat: rtol=1e-4 atol=1e-6
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
n, seq_len, features, classes = 96, 4, 5, 3
X = torch.randn(n, seq_len, features)
w_true = torch.randn(seq_len * features, classes)
y = (X.view(X.shape[0], -1) @ w_true).argmax(dim=1)
print("data", X.shape, y.shape, X.size(), X.size(-1), X.dim(), X.shape.numel() == X.numel())
print(X.shape[1:], X.shape[:-1] + (classes,), list(X.shape), tuple(X.size()))
assert X.shape == torch.Size([n, seq_len, features]) and X.shape == (n, seq_len, features)
assert X.shape[0] == len(X) and y.shape == torch.Size([n])


class Net(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        batch_size, t, f = x.shape
        x = x.view(x.shape[0], -1)  # flatten all but the batch dim
        assert x.shape == torch.Size([batch_size, t * f])
        return self.fc2(F.relu(self.fc1(x)))


model = Net(seq_len * features, 16, classes)
print(model)
print({name: p.shape for name, p in model.named_parameters()})
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loader = DataLoader(TensorDataset(X, y), batch_size=20, shuffle=True,
                    generator=torch.Generator().manual_seed(1))

for epoch in range(4):
    running_loss, correct, total = 0.0, 0, 0
    for inputs, labels in loader:
        opt.zero_grad()
        outputs = model(inputs)
        assert outputs.shape[-1] == classes and outputs.size(0) == inputs.size(0)
        loss = F.cross_entropy(outputs, labels)
        loss.backward()
        opt.step()
        running_loss += loss.item() * inputs.size(0)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
    print(f"epoch {epoch} loss {running_loss / total:.5f} acc {100 * correct / total:.2f}% "
          f"last batch {tuple(inputs.shape)} {outputs.shape}")

with torch.no_grad():
    logits = model(X)
    probs = F.softmax(logits, dim=-1)
    print("probs", probs.shape, probs.sum(dim=-1).shape, probs[:2])
    per_class = torch.zeros(classes).index_add_(0, y, torch.ones(y.shape[0]))
    print("per class", per_class, per_class.shape == (classes,))
    grid = probs.reshape(*probs.shape[:1], 1, -1).expand(-1, 2, -1)
    print("grid", grid.shape, grid.new_zeros(grid.shape[1:]).shape, grid.shape[-2:] == (2, 3))
