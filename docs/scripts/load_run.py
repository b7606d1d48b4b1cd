"""Loads a finished TowerLab run and plots it (docs/outputs.md, "Loading a run in Python").

    python docs/scripts/load_run.py runs/<experiment>/<run id>

Needs numpy, pandas and matplotlib; writes <run>/run.png.
"""
import json, sys
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

run = sys.argv[1]                                              # runs/<experiment>/<run id>
metrics = json.load(open(f"{run}/metrics.json"))               # final metrics of the kept weights
history = pd.read_json(f"{run}/metrics-history.jsonl", lines=True)
per_query = pd.read_csv(f"{run}/per-query-test.csv.gz")        # one row per test query
split = pd.read_csv(f"{run}/split.csv.gz")                     # part,query,item,timestamp,row,positive

valid = history[history.key == "valid/recall@20"].sort_values("step")
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
a.plot(valid.step, valid.value, marker="o")
a.set(xlabel="epoch", ylabel="valid recall@20", title=f"best epoch {int(metrics['train/best-epoch'])}")
b.hist(per_query["recall@20"], bins=20)
b.set(xlabel="test recall@20 per query", ylabel="queries")
fig.tight_layout()
fig.savefig(f"{run}/run.png")
print(f"test recall@20 {metrics['test/recall@20']:.4f} over {len(per_query)} queries;",
      split.groupby("part").size().to_dict())
