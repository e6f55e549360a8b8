# compat: rtol=1e-4 atol=1e-5
# word_language_model style: RNNModel with LSTM/GRU/RNN_TANH, tied weights
import math, time
import torch
import torch.nn as nn
import torch.nn.functional as F

class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight
        self.init_weights()
        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)

def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)

def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    data = data.view(bsz, -1).t().contiguous()
    return data

def get_batch(source, i, bptt=7):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i+seq_len]
    target = source[i+1:i+1+seq_len].view(-1)
    return data, target

torch.manual_seed(1111)
ntokens = 50
corpus = torch.randint(0, ntokens, (400,))
train_data = batchify(corpus, 8)
print(train_data.shape, train_data.dtype, train_data.is_contiguous())

for rnn_type, tied in [('LSTM', True), ('GRU', False), ('RNN_TANH', True), ('RNN_RELU', False)]:
    torch.manual_seed(1111)
    model = RNNModel(rnn_type, ntokens, 16, 16, 2, dropout=0.2, tie_weights=tied)
    print(rnn_type, sum(p.numel() for p in model.parameters()), len(list(model.named_parameters())))
    criterion = nn.NLLLoss()
    lr = 20.0
    model.train()
    hidden = model.init_hidden(8)
    total_loss = 0.
    for batch, i in enumerate(range(0, train_data.size(0) - 1, 7)):
        data, targets = get_batch(train_data, i)
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        total_loss += loss.item()
        if batch % 2 == 0:
            print('  batch %d loss %.6f ppl %.6f' % (batch, loss.item(), math.exp(loss.item())))
    print('  total %.6f' % total_loss)
    model.eval()
    with torch.no_grad():
        hidden = model.init_hidden(8)
        out, hidden = model(train_data[:10], hidden)
        print('  eval loss %.6f' % criterion(out, train_data[1:11].view(-1)).item())
        # generate
        hid = model.init_hidden(1)
        inp = torch.randint(ntokens, (1, 1), dtype=torch.long)
        words = []
        for k in range(8):
            output, hid = model(inp, hid)
            word_weights = output.squeeze().div(1.0).exp().cpu()
            word_idx = torch.multinomial(word_weights, 1)[0]
            inp.fill_(word_idx)
            words.append(int(word_idx))
        print('  gen', words)
