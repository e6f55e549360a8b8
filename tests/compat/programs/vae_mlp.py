# compat: rtol=1e-4 atol=1e-5
# A VAE on synthetic data: reparameterisation with randn_like, binary_cross_entropy(reduction="sum"), the KL term.
import torch
from torch import nn, optim
from torch.nn import functional as F

torch.manual_seed(1)

class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar

def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD

data = (torch.rand(128, 1, 8, 8) > 0.6).float()
ds = torch.utils.data.TensorDataset(data, torch.zeros(128))
g = torch.Generator().manual_seed(42)
train_loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True, generator=g)
model = VAE()
optimizer = optim.Adam(model.parameters(), lr=1e-3)

def train(epoch):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        if batch_idx % 2 == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item() / len(data)))
    print('====> Epoch: {} Average loss: {:.4f}'.format(epoch, train_loss / len(train_loader.dataset)))

def test(epoch):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for i, (d, _) in enumerate(train_loader):
            recon_batch, mu, logvar = model(d)
            test_loss += loss_function(recon_batch, d, mu, logvar).item()
            if i == 0:
                n = min(d.size(0), 4)
                comparison = torch.cat([d[:n], recon_batch.view(32, 1, 8, 8)[:n]])
                print("cmp", comparison.shape, f"{comparison.mean().item():.6f}")
    test_loss /= len(train_loader.dataset)
    print('====> Test set loss: {:.4f}'.format(test_loss))

for epoch in range(1, 4):
    train(epoch)
    test(epoch)
with torch.no_grad():
    sample = torch.randn(5, 4)
    sample = model.decode(sample)
    print(sample.view(5, 1, 8, 8)[0, 0, 0])
    print(f"{sample.sum().item():.5f}")
print(model.fc21.bias.data)
print(optimizer.state_dict()['param_groups'][0]['betas'], optimizer.state_dict()['state'][0]['step'])
