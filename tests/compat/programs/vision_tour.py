# Image-model odds and ends as real code writes them: a TorchScript-decorated helper,
# a CUDA check through torch.version, bicubic/area resizing of a batch, a CNN ending in
# nn.AdaptiveMaxPool2d, spectral and nuclear norms of its weights (monitored during
# training), and einsum on Gram matrices (diagonals). Weights from torch.manual_seed.
# compat: rtol=2e-4 atol=1e-5
import torch
import torch.nn as nn
import torch.nn.functional as F


@torch.jit.script
def scaled_gelu(x: torch.Tensor, scale: float) -> torch.Tensor:
    return scale * x * 0.5 * (1.0 + torch.erf(x / 1.4142135623730951))


device = torch.device("cuda" if torch.version.cuda and torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
images = torch.rand(6, 3, 12, 12, device=device)
labels = torch.randint(0, 4, (6,), device=device)
big = F.interpolate(images, scale_factor=2, mode="bicubic", align_corners=False)
small = F.interpolate(images, size=(5, 5), mode="area")
tri = F.interpolate(images.unsqueeze(2), scale_factor=(1, 0.5, 0.5), mode="trilinear")
print(big.shape, small.shape, tri.shape)
print(f"{big.mean().item():.5f} {big.amax().item():.5f} {small[0, 0, 0]} {tri.std().item():.5f}")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.pool = nn.AdaptiveMaxPool2d((2, 2))
        self.fc = nn.Linear(8 * 2 * 2, 4)

    def forward(self, x):
        x = scaled_gelu(self.conv1(x), 1.0)
        x = F.max_pool2d(x, 2)
        x = F.relu(self.conv2(x))
        x = self.pool(x)
        return self.fc(torch.flatten(x, 1))


model = Net().to(device)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for step in range(6):
    out = model(big if step % 2 else F.interpolate(big, size=(20, 20), mode="bilinear"))
    loss = F.cross_entropy(out, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    w = model.fc.weight
    print(f"step {step} loss {loss.item():.5f} |W|_2 {torch.linalg.matrix_norm(w, ord=2).item():.5f}"
          f" |W|_* {torch.linalg.norm(w, 'nuc').item():.5f} cond "
          f"{(torch.linalg.svdvals(w)[0] / torch.linalg.svdvals(w)[-1]).item():.4f}")

pooled, where = F.adaptive_max_pool2d(model.conv2(F.max_pool2d(model.conv1(big), 2)), 3,
                                      return_indices=True)
print(pooled.shape, where.dtype, where[0, 0])
feats = model.conv1(images).flatten(2)  # (N, C, HW)
gram = torch.einsum("nci,ndi->ncd", feats, feats) / feats.size(-1)
print("gram diag", torch.einsum("ncc->nc", gram)[0].detach(), torch.einsum("ncc", gram).sum().item())
kernel = model.conv2.weight.flatten(1)
x = torch.randn(8, 8, requires_grad=True)
(torch.einsum("ii", x @ x.T) + x.norm(p="nuc")).backward()
print(f"trace+nuc grad {x.grad.abs().sum().item():.5f} spectral {torch.linalg.norm(kernel, 2).item():.5f}")
