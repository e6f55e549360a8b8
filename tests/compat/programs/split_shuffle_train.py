# The everyday loop with seeded randomness: torch.manual_seed, random_split with a
# Generator, shuffled DataLoaders (generator=), a model initialised by torch's own
# default init, Dropout, and validation each epoch.
# compat: rtol=1e-4 atol=1e-6
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(42)
X = torch.randn(300, 8)
y = (X[:, :2].sum(1) > 0).long()
dataset = TensorDataset(X, y)
train_set, val_set = random_split(dataset, [240, 60], generator=torch.Generator().manual_seed(0))
print("split", len(train_set), len(val_set), train_set.indices[:5])
g = torch.Generator()
g.manual_seed(1)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=g)
val_loader = DataLoader(val_set, batch_size=60)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(4):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        xb, yb = next(iter(val_loader))
        acc = (model(xb).argmax(1) == yb).float().mean().item()
    print(f"epoch {epoch}: train loss {total / len(train_set):.4f} val acc {acc:.3f}")
