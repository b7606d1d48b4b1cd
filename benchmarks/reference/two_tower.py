"""The quick-start two-tower in PyTorch eager mode: the reference of `towerlab bench --compare-pytorch`.

Same model as examples/quickstart.yaml trains through TowerLab: per-field embeddings of width 32
(categorical fields by lookup, multi-categorical fields by the mean of their ids' embeddings,
padding 0 excluded), concatenated, MLP [in, 128, 64] with ReLU (x W + b, W stored [in, out]),
cosine / 0.1, in-batch sampled softmax with logQ correction and accidental hits masked with
-1e9, Adam (lr 0.002, betas 0.9/0.999, eps 1e-8, no weight decay), batch 1024.

It reads everything from a directory that `towerlab bench --compare-pytorch` exports from
TowerLab (meta.json and raw little-endian arrays): the feature columns, the training rows, the
items' log frequencies, each epoch's row order and the initial weights. Both sides therefore
train the same model from the same weights on the same batches, and their per-epoch losses agree
to float tolerance (the bench prints both).

    python two_tower.py --data DIR --threads 2 --serve

--serve reads commands on stdin: `run E` trains a fresh model (the exported initial weights) for
E epochs and prints one JSON line per epoch ({"epoch", "seconds", "cpu_seconds", "loss",
"examples"}), then {"done": true}; `quit` exits. Without --serve it trains once
(--epochs) and exits.
"""

import argparse
import json
import os
import sys
import time

t_import = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - t_import


def load(data):
    with open(os.path.join(data, "meta.json")) as f:
        meta = json.load(f)

    def arr(name, dtype, shape=None):
        a = np.fromfile(os.path.join(data, name), dtype=dtype)
        return torch.from_numpy(a.reshape(shape) if shape else a)

    sides = {}
    for side in ("query", "item"):
        cols = []
        for fld in meta[side]["fields"]:
            if fld["kind"] == "dense":
                cols.append((fld, arr(f"{side}.{fld['name']}.f32", "<f4", (meta[side]["count"], fld["dim"]))))
                continue
            shape = (meta[side]["count"], fld["length"]) if fld["kind"] == "multi" else None
            cols.append((fld, arr(f"{side}.{fld['name']}.i64", "<i8", shape)))
        sides[side] = cols
    rows_q = arr("train.query.i64", "<i8")
    rows_i = arr("train.item.i64", "<i8")
    logq = arr("item.logq.f32", "<f4")
    orders = [arr(f"order.{e}.i32", "<i4").long() for e in range(meta["epochs"])]
    init = {p["name"]: arr(f"param.{p['name']}.f32", "<f4", tuple(p["shape"])) for p in meta["params"]}
    return meta, sides, rows_q, rows_i, logq, orders, init


class Tower(torch.nn.Module):
    def __init__(self, prefix, fields, init, hidden_layers):
        super().__init__()
        self.fields = fields
        # categorical and multi-categorical fields: an embedding table; dense fields: a projection (W, b)
        self.emb = torch.nn.ParameterList(
            [torch.nn.Parameter(init[f"{prefix}.proj.{f['name']}.weight" if f["kind"] == "dense"
                                     else f"{prefix}.emb.{f['name']}"].clone()) for f in fields])
        self.proj_bias = torch.nn.ParameterDict(
            {f["name"]: torch.nn.Parameter(init[f"{prefix}.proj.{f['name']}.bias"].clone())
             for f in fields if f["kind"] == "dense"})
        self.weights = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        for k in range(hidden_layers + 1):
            self.weights.append(torch.nn.Parameter(init[f"{prefix}.mlp.{k}.weight"].clone()))
            self.biases.append(torch.nn.Parameter(init[f"{prefix}.mlp.{k}.bias"].clone()))

    def forward(self, columns):
        parts = []
        for f, table, x in zip(self.fields, self.emb, columns):
            if f["kind"] == "dense":
                parts.append(x @ table + self.proj_bias[f["name"]])  # [N, d]
            elif f["kind"] == "multi":
                mask = (x > 0).float()  # [N, L]
                e = torch.nn.functional.embedding(x, table)  # [N, L, d]
                parts.append((e * mask.unsqueeze(2)).sum(1) / mask.sum(1, keepdim=True).clamp_min(1.0))
            else:
                parts.append(torch.nn.functional.embedding(x, table))  # [N, d]
        h = torch.cat(parts, 1)  # [N, F*d]
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w + b
            if k < last:
                h = torch.relu(h)
        return h


def normalize(x):
    return x / (x.square().sum(-1, keepdim=True) + 1e-12).sqrt()


def train(meta, sides, rows_q, rows_i, logq, orders, init, epochs, out):
    q_fields = [f for f, _ in sides["query"]]
    i_fields = [f for f, _ in sides["item"]]
    hidden = len(meta["hidden"])
    qt = Tower("model.query-tower", q_fields, init, hidden)
    it = Tower("model.item-tower", i_fields, init, hidden)
    opt = torch.optim.Adam(list(qt.parameters()) + list(it.parameters()), lr=meta["learning_rate"],
                           betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    tau = meta["temperature"]
    bs = meta["batch_size"]
    n = rows_q.shape[0]
    qcols = [c for _, c in sides["query"]]
    icols = [c for _, c in sides["item"]]
    for e in range(epochs):
        order = orders[e % len(orders)]
        t0 = time.perf_counter()
        c0 = time.process_time()
        loss_sum, steps, examples = 0.0, 0, 0
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            if idx.shape[0] < 2:
                continue
            q = rows_q[idx]
            pos = rows_i[idx]
            qo = normalize(qt([c[q] for c in qcols]))  # [B, D]
            io = normalize(it([c[pos] for c in icols]))  # [B, D]
            lq = logq[pos]  # [B]
            score = (qo * io).sum(1) / tau - lq  # [B]
            neg = qo @ io.t() / tau - lq.unsqueeze(0)  # [B, B]
            mask = (pos.unsqueeze(0) != pos.unsqueeze(1)).float()  # [B, B]
            neg = neg * mask + (mask - 1.0) * 1e9
            logits = torch.cat([score.unsqueeze(1), neg], 1)  # [B, 1+B]
            loss = -torch.log_softmax(logits, 1)[:, 0].mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            steps += 1
            examples += idx.shape[0]
        out({"epoch": e + 1, "seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
             "loss": loss_sum / max(steps, 1), "examples": examples})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    t0 = time.perf_counter()
    loaded = load(a.data)
    emit = lambda d: print(json.dumps(d), flush=True)  # noqa: E731
    emit({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
          "import_seconds": IMPORT_SECONDS, "load_seconds": time.perf_counter() - t0,
          "wait_policy": os.environ.get("OMP_WAIT_POLICY")})
    if not a.serve:
        train(*loaded, a.epochs, emit)
        emit({"done": True})
        return
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        if cmd[0] == "run":
            train(*loaded, int(cmd[1]), emit)
            emit({"done": True})


if __name__ == "__main__":
    main()
