# A seq2seq GRU (tutorial style): an encoder GRU reads a digit sequence, a decoder GRU
# writes it reversed, with teacher forcing, gradient clipping, Adam and greedy decoding.
# Shapes are read from the tensors (batch_size = src.size(0)); weights from
# torch.manual_seed.
# compat: rtol=1e-4 atol=1e-5
import torch
import torch.nn as nn
import torch.nn.functional as F

SOS, VOCAB, LENGTH, HIDDEN = 10, 11, 5, 24
torch.manual_seed(0)


class Encoder(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)

    def forward(self, src):
        outputs, hidden = self.gru(self.embedding(src))
        return outputs, hidden


class Decoder(nn.Module):
    def __init__(self, vocab, hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, hidden)
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, token, hidden):
        output, hidden = self.gru(F.relu(self.embedding(token)), hidden)
        return self.out(output.squeeze(1)), hidden


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder(VOCAB, HIDDEN)
        self.decoder = Decoder(VOCAB, HIDDEN)

    def forward(self, src, tgt=None, max_len=LENGTH):
        batch_size = src.size(0)
        _, hidden = self.encoder(src)
        token = torch.full((batch_size, 1), SOS, dtype=torch.long)
        logits = []
        for t in range(max_len):
            step_logits, hidden = self.decoder(token, hidden)
            logits.append(step_logits)
            token = tgt[:, t:t + 1] if tgt is not None else step_logits.argmax(-1, keepdim=True)
        return torch.stack(logits, dim=1)


def batch(n, generator):
    src = torch.randint(0, 10, (n, LENGTH), generator=generator)
    return src, src.flip(1)


model = Seq2Seq()
print(model)
print("parameters", sum(p.numel() for p in model.parameters() if p.requires_grad))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
g = torch.Generator().manual_seed(1)
for step in range(60):
    src, tgt = batch(32, g)
    logits = model(src, tgt)
    assert logits.shape == (src.shape[0], LENGTH, VOCAB)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))
    opt.zero_grad()
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    if step % 10 == 0 or step == 59:
        print(f"step {step:3d} loss {loss.item():.4f} grad norm {norm.item():.4f}")

model.eval()
with torch.no_grad():
    src, tgt = batch(8, torch.Generator().manual_seed(123))
    pred = model(src).argmax(-1)
    print("logits", model(src).shape, "pred", pred.shape)
    print("token accuracy", (pred == tgt).float().mean().item())
    print("src ", src[0].tolist(), "\npred", pred[0].tolist())
    enc_out, hidden = model.encoder(src)
    print("encoder", enc_out.shape, hidden.shape, enc_out[0, -1, :4])
