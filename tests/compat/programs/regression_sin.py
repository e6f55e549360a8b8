# Fit sin(x) with a small MLP: the classic first PyTorch script (nn.Module subclass,
# MSELoss, SGD with momentum, formatted logging with f"{loss:.6f}" on tensors).
# compat: rtol=1e-4 atol=1e-6
import math

import torch
import torch.nn as nn
from numpy_init import numpy_init


class Net(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, x):
        x = torch.tanh(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


x = torch.linspace(-math.pi, math.pi, 200).unsqueeze(1)
y = torch.sin(x)
model = numpy_init(Net(), seed=11)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(300):
    optimizer.zero_grad()
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d} loss {loss.item():.6f}")
print(model)
with torch.no_grad():
    test = torch.tensor([[0.0], [1.0], [2.0]])
    print("predictions", model(test).squeeze(1).tolist())
print("final {:.6f}".format(loss.item()))
