# compat: rtol=1e-4 atol=1e-5
# nanoGPT-style causal self-attention with F.scaled_dot_product_attention, plus nn.MultiheadAttention
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, dropout=0.0, flash=True):
        super().__init__()
        assert n_embd % n_head == 0
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=False)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=False)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)
        self.n_head, self.n_embd, self.dropout = n_head, n_embd, dropout
        self.flash = flash
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.flash:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=self.dropout if self.training else 0, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
            att = F.softmax(att, dim=-1)
            att = self.attn_dropout(att)
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))

class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, flash):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, flash=flash)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(approximate='tanh'), nn.Linear(4 * n_embd, n_embd))
    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))

class TinyGPT(nn.Module):
    def __init__(self, vocab, n_embd=16, n_head=4, block_size=8, n_layer=2, flash=True):
        super().__init__()
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.h = nn.ModuleList([Block(n_embd, n_head, block_size, flash) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab, bias=False)
        self.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

data = None
for flash in (True, False):
    torch.manual_seed(1337)
    data = torch.randint(0, 24, (200,))
    model = TinyGPT(24, flash=flash)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.1)
    for it in range(15):
        ix = torch.randint(len(data) - 8, (4,))
        x = torch.stack([data[i:i+8] for i in ix])
        y = torch.stack([data[i+1:i+1+8] for i in ix])
        logits, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if it % 5 == 0:
            print('flash=%s it %d loss %.6f' % (flash, it, loss.item()))
    model.eval()
    with torch.no_grad():
        idx = torch.zeros((1, 1), dtype=torch.long)
        for _ in range(6):
            logits, _ = model(idx[:, -8:])
            logits = logits[:, -1, :] / 0.8
            v, _ = torch.topk(logits, 5)
            logits[logits < v[:, [-1]]] = -float('Inf')
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        print('gen', idx.tolist())

torch.manual_seed(0)
mha = nn.MultiheadAttention(embed_dim=16, num_heads=4, batch_first=True)
q = torch.randn(2, 5, 16)
kv = torch.randn(2, 7, 16)
kpm = torch.zeros(2, 7, dtype=torch.bool); kpm[1, 5:] = True
out, w = mha(q, kv, kv, key_padding_mask=kpm)
print('mha out %.6f w %.6f' % (out.sum().item(), w.sum().item()), w.shape)
print(w[1, 0])
out2, w2 = mha(q, q, q, attn_mask=nn.Transformer.generate_square_subsequent_mask(5), average_attn_weights=False)
print('self out %.6f' % out2.abs().sum().item(), w2.shape, w2[0, 0, 1])
out2.sum().backward()
print('in_proj grad %.6f' % mha.in_proj_weight.grad.norm().item())
# SDPA with explicit masks
qh, kh, vh = torch.randn(3, 2, 2, 4, 8).unbind(0)
bm = torch.ones(4, 4, dtype=torch.bool).tril()
a = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=bm)
b = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True)
c = F.scaled_dot_product_attention(qh, kh, vh, attn_mask=torch.zeros(4, 4).masked_fill(~bm, -1e9), scale=0.5)
print('%.6f %.6f %.6f' % ((a - b).abs().max().item(), a.sum().item(), c.sum().item()))
