"""Pretrains the studio's AWD-LSTM language model (the browser's sizes) on a token stream.

Called by scripts/textLm/build.ts, which tokenizes and numericalises with the studio's own
tokenizer and reads the weights back. The model is the studio's `LanguageModel` layer for layer
(core/text/awdLstm.ts, models.ts): an embedding, LSTM layers whose last one returns to the
embedding's size, a decoder tied to the embedding with its own bias, and AWD-LSTM's dropouts
(embedding, input, DropConnect on the hidden-to-hidden weights, hidden, output) with AR/TAR.
Training follows fastai's language-model habits: AdamW (0.9, 0.99), weight decay 0.01,
one-cycle, gradient clipping 0.1, batches of contiguous streams with the state carried over.

Usage: python3 pretrain_lm.py DIR   (DIR holds meta.json, train.bin, valid.bin; writes weights.bin, result.json)
"""
import json
import math
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def locked_mask(x, p):
    """One dropout mask per sequence, the same at every time step (fastai's RNNDropout)."""
    if p <= 0:
        return None
    return x.new_empty(x.size(0), 1, x.size(2)).bernoulli_(1 - p) / (1 - p)


class AwdLm(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, drops, glove=None, known=None):
        super().__init__()
        # The rows of words GloVe knows start at their GloVe vectors and stay there (a buffer, no
        # gradient); the others (special tokens, GloVe's unknowns) are learnt.
        self.free_rows = nn.Parameter(torch.empty(vocab, emb).uniform_(-0.1, 0.1))
        # With a `glove_lr` factor, the GloVe rows move too, by a learnt offset at that fraction of
        # the rate, which AdamW's weight decay pulls back towards GloVe.
        self.glove_offset = nn.Parameter(torch.zeros(vocab, emb))
        self.register_buffer('glove', torch.zeros(vocab, emb) if glove is None else glove)
        self.register_buffer('known', torch.zeros(vocab, 1) if known is None else known.reshape(vocab, 1))
        self.sizes = [(emb if l == 0 else hidden, emb if l == layers - 1 else hidden) for l in range(layers)]
        self.w_ih = nn.ParameterList()
        self.w_hh = nn.ParameterList()
        self.bias = nn.ParameterList()
        for n_in, n_out in self.sizes:
            r = 1 / math.sqrt(n_out)
            self.w_ih.append(nn.Parameter(torch.empty(4 * n_out, n_in).uniform_(-r, r)))
            self.w_hh.append(nn.Parameter(torch.empty(4 * n_out, n_out).uniform_(-r, r)))
            b = torch.zeros(4 * n_out)
            b[n_out:2 * n_out] = 1  # forget gate's bias at 1, as the studio's makeLstmWeights
            self.bias.append(nn.Parameter(b))
        self.decoder_bias = nn.Parameter(torch.zeros(vocab))
        self.drops = drops

    def forward(self, ids, states):
        d = self.drops if self.training else {k: 0.0 for k in self.drops}
        w = self.embedding
        emb = w
        if d['embed'] > 0:
            rows = w.new_empty(w.size(0), 1).bernoulli_(1 - d['embed']) / (1 - d['embed'])
            w = w * rows
        x = F.embedding(ids, w)  # [B, T, E]
        m = locked_mask(x, d['input'])
        if m is not None:
            x = x * m
        new_states = []
        raw = None
        for l, (n_in, n_out) in enumerate(self.sizes):
            w_hh = F.dropout(self.w_hh[l], d['weight'], self.training) if d['weight'] > 0 else self.w_hh[l]
            h0, c0 = states[l]
            out, h, c = torch._VF.lstm(x, (h0.unsqueeze(0), c0.unsqueeze(0)), [self.w_ih[l], w_hh, self.bias[l], torch.zeros_like(self.bias[l])], True, 1, 0.0, self.training, False, True)
            new_states.append((h.squeeze(0).detach(), c.squeeze(0).detach()))
            if l < len(self.sizes) - 1:
                m = locked_mask(out, d['hidden'])
                x = out * m if m is not None else out
            else:
                raw = out
        m = locked_mask(raw, d['output'])
        dropped = raw * m if m is not None else raw
        logits = dropped @ emb.t() + self.decoder_bias
        return logits, raw, dropped, new_states

    @property
    def embedding(self):
        return self.known * (self.glove + self.glove_offset) + (1 - self.known) * self.free_rows

    def zero_states(self, batch):
        return [(torch.zeros(batch, n_out), torch.zeros(batch, n_out)) for _, n_out in self.sizes]

    def studio_weights(self):
        """Float32 arrays in the order of the studio's `LanguageModel.variables()`, Keras's layout."""
        out = [self.embedding.detach().numpy()]
        for l in range(len(self.sizes)):
            out += [self.w_ih[l].detach().numpy().T, self.w_hh[l].detach().numpy().T, self.bias[l].detach().numpy()]
        out.append(self.decoder_bias.detach().numpy())
        return [np.ascontiguousarray(a, dtype=np.float32) for a in out]


def batches(stream, bs, bptt):
    """Contiguous streams: row j of each batch continues row j of the one before."""
    n = (len(stream) - 1) // bs
    x = torch.from_numpy(stream[: n * bs].reshape(bs, n).astype(np.int64))
    y = torch.from_numpy(stream[1 : n * bs + 1].reshape(bs, n).astype(np.int64))
    return [(x[:, i : i + bptt], y[:, i : i + bptt]) for i in range(0, n - 1, bptt)]


def evaluate(model, data, bs):
    model.eval()
    states = model.zero_states(bs)
    total, count = 0.0, 0
    with torch.no_grad():
        for x, y in data:
            logits, _, _, states = model(x, states)
            total += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction='sum').item()
            count += y.numel()
    return total / count


def main():
    root = sys.argv[1]
    meta = json.load(open(f'{root}/meta.json'))
    torch.manual_seed(meta['seed'])
    np.random.seed(meta['seed'])
    # One thread: the LSTM's small per-step matrices run 10x slower on two threads that fight
    # over two cores (measured: 0.1 s against 1-2 s for one layer's forward and backward).
    torch.set_num_threads(1)
    train = np.fromfile(f'{root}/train.bin', dtype=np.int32)
    valid = np.fromfile(f'{root}/valid.bin', dtype=np.int32)
    bs, bptt, epochs, lr_max = meta['bs'], meta['bptt'], meta['epochs'], meta['lr']
    glove = known = None
    if meta.get('glove'):
        glove = torch.from_numpy(np.fromfile(f'{root}/glove.bin', dtype=np.float32).reshape(meta['vocab'], meta['embSize']))
        known = torch.from_numpy(np.fromfile(f'{root}/known.bin', dtype=np.uint8).astype(np.float32))
    model = AwdLm(meta['vocab'], meta['embSize'], meta['hidden'], meta['layers'], meta['drops'], glove, known)
    glove_lr = meta.get('gloveLr', 0.0)
    rest = [p for n, p in model.named_parameters() if n != 'glove_offset']
    groups = [{'params': rest, 'scale': 1.0}]
    if glove_lr > 0:
        groups.append({'params': [model.glove_offset], 'scale': glove_lr})
    opt = torch.optim.AdamW(groups, lr=lr_max, betas=(0.9, 0.99), weight_decay=0.01)
    valid_batches = batches(valid, bs, bptt)
    train_batches = batches(train, bs, bptt)
    total = epochs * len(train_batches)
    step = 0
    log = []
    started = time.time()
    for epoch in range(epochs):
        model.train()
        # fastai's LM loader shuffles the order of the documents each epoch; here the stream is
        # cut at a random offset instead, which changes what each row sees at no cost.
        shift = np.random.randint(0, bptt)
        epoch_batches = batches(train[shift:], bs, bptt)
        states = model.zero_states(bs)
        seen = 0.0
        for x, y in epoch_batches:
            pct = step / total
            # One-cycle: cosine warm-up over 25% from lr/25, cosine down to lr/1e5 (fastai's defaults).
            if pct < 0.25:
                lr = lr_max / 25 + (lr_max - lr_max / 25) * (1 - math.cos(math.pi * pct / 0.25)) / 2
            else:
                lr = lr_max / 1e5 + (lr_max - lr_max / 1e5) * (1 + math.cos(math.pi * (pct - 0.25) / 0.75)) / 2
            for g in opt.param_groups:
                g['lr'] = lr * g['scale']
            logits, raw, dropped, states = model(x, states)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
            penalty = 2 * dropped.pow(2).mean() + 1 * (raw[:, 1:] - raw[:, :-1]).pow(2).mean()
            opt.zero_grad()
            (loss + penalty).backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            opt.step()
            seen = 0.98 * seen + 0.02 * loss.item() if step else loss.item()
            step += 1
            if step % 50 == 0:
                print(f'step {step}/{total} lr {lr:.2e} loss {seen:.3f} ({time.time() - started:.0f} s)', flush=True)
        valid_loss = evaluate(model, valid_batches, bs)
        log.append({'epoch': epoch + 1, 'trainLoss': seen, 'validLoss': valid_loss, 'perplexity': math.exp(valid_loss), 'seconds': time.time() - started})
        print(json.dumps(log[-1]), flush=True)
    torch.save(model.state_dict(), f'{root}/model.pt')  # to re-export without retraining
    weights = model.studio_weights()
    with open(f'{root}/weights.bin', 'wb') as f:
        for a in weights:
            f.write(a.tobytes())
    # A reference the studio must reproduce to the fourth decimal: the loss of the first
    # validation window of two rows from a zero state, in evaluation mode.
    model.eval()
    ref_x, ref_y = valid[: 2 * bptt].reshape(2, bptt), valid[1 : 2 * bptt + 1].reshape(2, bptt)
    with torch.no_grad():
        logits, _, _, _ = model(torch.from_numpy(ref_x.astype(np.int64)), model.zero_states(2))
        ref_loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), torch.from_numpy(ref_y.astype(np.int64)).reshape(-1)).item()
    json.dump({'epochs': log, 'shapes': [list(a.shape) for a in weights], 'reference': {'ids': ref_x.tolist(), 'targets': ref_y.tolist(), 'loss': ref_loss}, 'torch': torch.__version__}, open(f'{root}/result.json', 'w'))


if __name__ == '__main__':
    main()
