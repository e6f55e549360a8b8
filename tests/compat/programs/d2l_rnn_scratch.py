# Dive into Deep Learning 9.5: an RNN language model from scratch on a small text:
# vocab by character, one-hot inputs with F.one_hot(X.T, V), tuple states, a hand-written
# grad_clipping (norm over all params, param.grad[:] *= theta / norm), perplexity, and
# greedy prediction; then nn.RNN with the same loop and torch.nn.utils.clip_grad_norm_.
import math
import torch
from torch import nn
from torch.nn import functional as F

text = ("the time machine by h g wells the time traveller for so it will be convenient "
        "to speak of him was expounding a recondite matter to us his grey eyes shone ") * 3
vocab = sorted(set(text))
idx = {c: i for i, c in enumerate(vocab)}
corpus = torch.tensor([idx[c] for c in text])
V, num_steps, batch_size, num_hiddens = len(vocab), 10, 4, 32
print(V, len(corpus), F.one_hot(torch.tensor([0, 2]), V).shape)


def batches(g):
    offset = torch.randint(0, num_steps, (1,), generator=g).item()
    n = (len(corpus) - offset - 1) // batch_size * batch_size
    Xs = corpus[offset:offset + n].reshape(batch_size, -1)
    Ys = corpus[offset + 1:offset + 1 + n].reshape(batch_size, -1)
    for i in range(0, Xs.shape[1] - num_steps + 1, num_steps):
        yield Xs[:, i:i + num_steps], Ys[:, i:i + num_steps]


def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape) * 0.01

    W_xh, W_hh = normal((num_inputs, num_hiddens)), normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens)
    W_hq, b_q = normal((num_hiddens, num_outputs)), torch.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (torch.zeros((batch_size, num_hiddens)),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


def grad_clipping(params, theta):
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


def predict(prefix, num_preds, params):
    state = init_rnn_state(1, num_hiddens)
    outputs = [idx[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = rnn(F.one_hot(get_input().T, V).type(torch.float32), state, params)
        outputs.append(idx[y])
    for _ in range(num_preds):
        y, state = rnn(F.one_hot(get_input().T, V).type(torch.float32), state, params)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab[i] for i in outputs])


torch.manual_seed(0)
g = torch.Generator().manual_seed(1)
params = get_params(V, num_hiddens)
X = torch.arange(10).reshape((2, 5))
Y, new_state = rnn(F.one_hot(X.T, V).float(), init_rnn_state(2, num_hiddens), params)
print(Y.shape, len(new_state), new_state[0].shape)
lr = 1.0
for epoch in range(8):
    total, n = 0.0, 0
    state = None
    for X, Y in batches(g):
        if state is None:
            state = init_rnn_state(batch_size, num_hiddens)
        else:
            for s in state:
                s.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = rnn(F.one_hot(X.T, V).float(), state, params)
        l = F.cross_entropy(y_hat, y.long()).mean()
        l.backward()
        norm = grad_clipping(params, 1)
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad.zero_()
        total += l.item() * y.numel()
        n += y.numel()
    print(f"epoch {epoch} perplexity {math.exp(total / n):.4f} grad norm {norm.item():.4f}")
print(predict("time ", 10, params))

torch.manual_seed(0)
rnn_layer = nn.RNN(V, num_hiddens)
head = nn.Linear(num_hiddens, V)
opt = torch.optim.SGD(list(rnn_layer.parameters()) + list(head.parameters()), lr=1.0)
state = torch.zeros((1, batch_size, num_hiddens))
for epoch in range(4):
    for X, Y in batches(g):
        state = state.detach()
        out, state = rnn_layer(F.one_hot(X.T, V).to(torch.float32), state)
        l = F.cross_entropy(head(out.reshape((-1, out.shape[-1]))), Y.T.reshape(-1))
        opt.zero_grad()
        l.backward()
        total_norm = nn.utils.clip_grad_norm_(rnn_layer.parameters(), 1.0)
        opt.step()
    print(f"nn.RNN epoch {epoch} loss {l.item():.5f} norm {total_norm.item():.5f}")
print(out.shape, state.shape, [n for n, _ in rnn_layer.named_parameters()])
