#!/usr/bin/env python3
"""Fits the ranking weights of retrieval/src/rank_score.rs from `consulta eval`'s rankings.jsonl.

Each line of the file is one answerable gold question: its group, whether it is held out, how many
`relevant` labels it has, and the hybrid ranking's passages (best first, as the weights in use
ranked them) with their features and the indexes of the labels each satisfies. The model is
listwise: within a question, for each label, a softmax over the passages' weighted features should
put its weight on the passages that satisfy that label. A question's first label names the passage
that answers it and the others related reading; answers are quoted from the first passages, so the
first label weighs 1 and each other OTHER_LABELS (with equal weights, guide sections climbed over
the FAQ entries that answer: nDCG rose and answers got worse; making the passages that say the
required facts a target of their own changed nothing).
It is fitted on the tuning questions only; the held-out questions judge it.

Usage (numpy is the only dependency: `pip install numpy`):

    consulta --data-dir DIR eval --reports /tmp/reports --thresholds /dev/null
    evals/tools/fit-rank-weights.py /tmp/reports/rankings.jsonl

It prints, tuning and held out, for the weights in use and for the fitted ones, how often the first
passage satisfies the first label and says the required facts, and nDCG@10 per group (scored as `consulta eval` scores them: a
passage earns a label only if no passage above it did); then the fitted weights in the order of `RankFeatures`. Copy them into `WEIGHTS` when they do
better on the held-out questions, and re-run `consulta eval`: the answers are what counts, and the
sentence weights and the confidence may need refitting after the ranking changes.
"""

import json
import math
import sys
from collections import defaultdict

import numpy as np

L2 = 0.001
EPOCHS = 1500
STEP = 0.3
DEPTH = 10
OTHER_LABELS = 0.1


def load(path):
    questions = []
    names = None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            names = row["features"]
            passages = row["passages"]
            features = np.array([p["features"] for p in passages], dtype=float)
            satisfies = [
                np.array([label in p["labels"] for p in passages], dtype=float)
                for label in range(row["labels"])
            ]
            says_facts = np.array([p["says_facts"] for p in passages], dtype=float)
            questions.append(
                {
                    "says_facts": says_facts,
                    "group": row["group"],
                    "heldout": row["heldout"],
                    "features": features,
                    "satisfies": satisfies,
                    "labels": row["labels"],
                }
            )
    return names, questions


def fit(questions, width):
    """Listwise logistic fit, started from the fused score alone (the first feature)."""
    weights = np.zeros(width)
    weights[0] = 5.0
    trainable = []
    for q in questions:
        targets = [
            (satisfies, 1.0 if label == 0 else OTHER_LABELS)
            for label, satisfies in enumerate(q["satisfies"])
            if satisfies.any()
        ]
        if targets:
            trainable.append((q["features"], targets))
    for _ in range(EPOCHS):
        gradient = np.zeros(width)
        for features, targets in trainable:
            scores = features @ weights
            scores -= scores.max()
            shares = np.exp(scores)
            shares /= shares.sum()
            total = sum(weight for _, weight in targets)
            for target, weight in targets:
                wanted = shares * target
                wanted /= wanted.sum()
                gradient += weight * (features.T @ (shares - wanted)) / total
        weights -= STEP * (gradient / len(trainable) + L2 * weights)
    return weights


def ndcg(question, order):
    """nDCG@10 of the passages in `order`, a passage earning a label only if none above did."""
    satisfied = set()
    gains = 0.0
    for rank, index in enumerate(order[:DEPTH]):
        new = [
            label
            for label, s in enumerate(question["satisfies"])
            if s[index] and label not in satisfied
        ]
        if new:
            satisfied.add(new[0])
            gains += 1.0 / math.log2(rank + 2)
    ideal = sum(1.0 / math.log2(r + 2) for r in range(min(question["labels"], DEPTH)))
    return gains / ideal if ideal else 0.0


def first_answers(questions, rank_of):
    """Share of questions whose first passage satisfies their first label."""
    return sum(q["satisfies"][0][rank_of(q["features"])[0]] for q in questions) / len(questions)


def facts_first(questions, rank_of):
    """Share of the questions some passage says the facts of whose first passage says them."""
    with_facts = [q for q in questions if q["says_facts"].any()]
    hits = sum(q["says_facts"][rank_of(q["features"])[0]] for q in with_facts)
    return hits / len(with_facts)


def by_group(questions, rank_of):
    totals = defaultdict(list)
    for q in questions:
        value = ndcg(q, rank_of(q["features"]))
        totals[q["group"]].append(value)
        totals["all"].append(value)
    return {g: sum(v) / len(v) for g, v in sorted(totals.items())}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    names, questions = load(sys.argv[1])
    tuning = [q for q in questions if not q["heldout"]]
    heldout = [q for q in questions if q["heldout"]]
    weights = fit(tuning, len(names))
    in_use = lambda features: np.arange(len(features))
    fitted = lambda features: np.argsort(-(features @ weights), kind="stable")
    print(f"{len(tuning)} tuning and {len(heldout)} held-out questions:")
    for label, rank_of in (("in use", in_use), ("fitted", fitted)):
        for split, chosen in (("tuning", tuning), ("held out", heldout)):
            groups = by_group(chosen, rank_of)
            shown = " ".join(f"{g} {v:.3f}" for g, v in groups.items())
            first = first_answers(chosen, rank_of)
            facts = facts_first(chosen, rank_of)
            print(
                f"{label:7s} {split:9s} first label first {first:.3f}, facts first {facts:.3f}; "
                f"nDCG@{DEPTH} {shown}"
            )
    for name, weight in zip(names, weights):
        print(f"    {name}: {weight:.2f},")


if __name__ == "__main__":
    main()
