"""A TowerLab two-tower model as an MLflow pyfunc model: scores from the exported embeddings.

Loaded by ``mlflow.pyfunc.load_model(<model dir or models:/ URI>)``. ``predict`` takes a pandas
DataFrame with a ``query`` column (TowerLab's dense query ids, the rows of queries.npy) and:

- with an ``item`` column: returns the DataFrame ``query, item, score`` with the model's score
  of each pair;
- without it: returns the top ``k`` items of every query over the whole corpus (``params={"k": 20}``,
  default 10) as ``query, rank, item, score``, ranks from 1, ties broken by the lower item id.
  Items the user has already seen are NOT removed (TowerLab's evaluation removes them).

The score is the one the Java model computes: ``dot`` is q . i; ``cosine`` is
q . i / (|q| |i| * temperature), each vector divided by sqrt(|v|^2 + 1e-12).
Needs numpy and pandas only.
"""
import json
import os

import numpy as np
import pandas as pd


class TowerlabModel:
    def __init__(self, data_path):
        with open(os.path.join(data_path, "model.json"), encoding="utf-8") as f:
            self.meta = json.load(f)
        self.queries = np.load(os.path.join(data_path, "queries.npy")).astype(np.float64)
        self.items = np.load(os.path.join(data_path, "items.npy")).astype(np.float64)
        self.scale = 1.0
        if self.meta["interaction"] == "cosine":
            self.queries = self.queries / np.sqrt((self.queries ** 2).sum(axis=1, keepdims=True) + 1e-12)
            self.items = self.items / np.sqrt((self.items ** 2).sum(axis=1, keepdims=True) + 1e-12)
            self.scale = 1.0 / float(self.meta["temperature"])

    def predict(self, model_input, params=None):
        df = pd.DataFrame(model_input)
        q = df["query"].to_numpy(dtype=np.int64)
        if "item" in df.columns and df["item"].notna().all():
            it = df["item"].to_numpy(dtype=np.int64)
            score = np.einsum("ij,ij->i", self.queries[q], self.items[it]) * self.scale
            return pd.DataFrame({"query": q, "item": it, "score": score})
        k = int((params or {}).get("k", 10))
        scores = self.queries[q] @ self.items.T * self.scale  # [n, items]
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        rows = np.repeat(q, order.shape[1])
        ranks = np.tile(np.arange(1, order.shape[1] + 1), len(q))
        top = order.reshape(-1)
        return pd.DataFrame({"query": rows, "rank": ranks, "item": top,
                             "score": np.take_along_axis(scores, order, axis=1).reshape(-1)})


def _load_pyfunc(data_path):
    return TowerlabModel(data_path)
