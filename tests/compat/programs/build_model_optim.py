# The official "Build the Neural Network" and "Optimizing Model Parameters" tutorials on
# random FashionMNIST-shaped data: NeuralNetwork with nn.Flatten/nn.Sequential, print(model),
# nn.Softmax(dim=1), the layer-by-layer walk, named_parameters with param[:2], then
# train_loop/test_loop as written there; plus param_groups and lr_scheduler use.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)
X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
input_image = torch.rand(3, 28, 28)
print(input_image.size())
flat_image = nn.Flatten()(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28 * 28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
seq_modules = nn.Sequential(nn.Flatten(), layer1, nn.ReLU(), nn.Linear(20, 10))
logits = seq_modules(input_image)
print(nn.Softmax(dim=1)(logits))
print(f"Model structure: {model}\n\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")

images = torch.rand(96, 1, 28, 28)
labels = (images.mean(dim=(1, 2, 3)) * 40).long() % 10
train_dataloader = DataLoader(TensorDataset(images[:64], labels[:64]), batch_size=16)
test_dataloader = DataLoader(TensorDataset(images[64:], labels[64:]), batch_size=16)
learning_rate, batch_size, epochs = 1e-1, 16, 3


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD([
    {"params": model.linear_relu_stack[0].parameters(), "lr": learning_rate / 10},
    {"params": list(model.linear_relu_stack[2].parameters()) + list(model.linear_relu_stack[4].parameters())},
], lr=learning_rate, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
    scheduler.step()
    print([group["lr"] for group in optimizer.param_groups], scheduler.get_last_lr())
print("Done!")
print(len(optimizer.param_groups), [len(g["params"]) for g in optimizer.param_groups])
print(scheduler.state_dict())
for g in optimizer.param_groups:
    g["lr"] = 0.01
print(optimizer.param_groups[1]["lr"], optimizer.param_groups[0]["momentum"])
sched2 = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
lrs = []
for _ in range(5):
    optimizer.step()
    sched2.step()
    lrs.append(round(sched2.get_last_lr()[0], 8))
print(lrs)
lam = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)
for _ in range(3):
    optimizer.step()
    lam.step()
print([f"{lr:.6f}" for lr in lam.get_last_lr()], lam.last_epoch)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
print([(n, type(m).__name__) for n, m in model.named_modules()][:4])
print([type(c).__name__ for c in model.children()], model.training, model.flatten.training)
model.eval()
print(model.training, model.linear_relu_stack[1].training)
