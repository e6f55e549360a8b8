# Two-class spirals with an nn.Module classifier: CrossEntropyLoss, Adam with weight
# decay, accuracy with argmax, model.eval()/no_grad, ReduceLROnPlateau on the loss.
# compat: rtol=1e-3 atol=1e-5
import numpy as np
import torch
import torch.nn as nn
from numpy_init import numpy_init

rng = np.random.default_rng(3)
n = 200
theta = np.sqrt(rng.random(n)) * 2 * np.pi
r_a = 2 * theta + np.pi
data_a = np.stack([np.cos(theta) * r_a, np.sin(theta) * r_a], 1) + rng.standard_normal((n, 2))
r_b = -2 * theta - np.pi
data_b = np.stack([np.cos(theta) * r_b, np.sin(theta) * r_b], 1) + rng.standard_normal((n, 2))
X = torch.tensor(np.concatenate([data_a, data_b]) / 10, dtype=torch.float32)
y = torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, 32), nn.LeakyReLU(0.1),
            nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Linear(32, 2),
        )

    def forward(self, x):
        return self.net(x)


model = numpy_init(Classifier(), seed=4)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=3)
for epoch in range(60):
    model.train()
    opt.zero_grad()
    logits = model(X)
    loss = loss_fn(logits, y)
    loss.backward()
    opt.step()
    plateau.step(loss.item())
    if epoch % 10 == 9:
        model.eval()
        with torch.no_grad():
            acc = (model(X).argmax(1) == y).float().mean()
        print(f"epoch {epoch + 1}: loss={loss.item():.4f} acc={acc.item():.3f} "
              f"lr={opt.param_groups[0]['lr']}")
