#!/usr/bin/env python3
"""Fits the sentence weights of retrieval/src/sentence_score.rs from `consulta eval`'s sentences.jsonl.

Each line of the file is one gold question with required facts: the sentences the composer weighed,
their features, and whether each says every required fact (`says_all`) or one of them (`says_any`).
The model is listwise: within a question, a softmax over the sentences' weighted features should put
its weight on the sentences that say the facts (those that say all of them, else those that say one).
It is fitted on the tuning questions only; the held-out questions judge it.

Usage (numpy is the only dependency: `pip install numpy`):

    consulta --data-dir DIR eval --reports /tmp/reports --thresholds /dev/null
    evals/tools/fit-sentence-weights.py /tmp/reports/sentences.jsonl

It prints, for the weights now in use (read off the features' scores as they were ranked) and for
the fitted ones, how often the first-ranked sentence and one of the first three say the facts, then
the fitted weights in the order of `SentenceFeatures`. Copy them into `WEIGHTS` when they do better
on the held-out questions, and re-run `consulta eval`: the answer text is what counts.
"""

import json
import sys

import numpy as np

L2 = 0.003
EPOCHS = 1500
STEP = 0.5


def load(path):
    questions = []
    names = None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            names = row["features"]
            sentences = row["sentences"]
            features = np.array([s["features"] for s in sentences], dtype=float)
            target = np.array([s["says_all"] for s in sentences], dtype=float)
            if target.sum() == 0:
                target = np.array([s["says_any"] for s in sentences], dtype=float)
            questions.append((features, target, row["heldout"]))
    return names, questions


def fit(questions, width):
    weights = np.zeros(width)
    trainable = [(x, y / y.sum()) for x, y, _ in questions if y.sum() > 0]
    for _ in range(EPOCHS):
        gradient = np.zeros(width)
        for features, target in trainable:
            scores = features @ weights
            scores -= scores.max()
            shares = np.exp(scores)
            shares /= shares.sum()
            gradient += features.T @ (shares - target)
        weights -= STEP * (gradient / len(trainable) + L2 * weights)
    return weights


def found_in_first(questions, rank_of, k):
    """Share of questions (all of them, also those no sentence answers) whose first k sentences
    say the facts."""
    if not questions:
        return float("nan")
    hits = 0
    for features, target, _ in questions:
        order = rank_of(features)
        hits += target[order[:k]].sum() > 0
    return hits / len(questions)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    names, questions = load(sys.argv[1])
    tuning = [q for q in questions if not q[2]]
    heldout = [q for q in questions if q[2]]
    weights = fit(tuning, len(names))
    # The file lists each question's sentences best first, as the weights in use ranked them.
    in_use = lambda features: np.arange(len(features))
    fitted = lambda features: np.argsort(-(features @ weights), kind="stable")
    print(f"{len(tuning)} tuning and {len(heldout)} held-out questions")
    for label, rank_of in (("in use", in_use), ("fitted", fitted)):
        print(
            f"{label:7s} first: tuning {found_in_first(tuning, rank_of, 1):.3f} "
            f"held out {found_in_first(heldout, rank_of, 1):.3f}; first three: tuning "
            f"{found_in_first(tuning, rank_of, 3):.3f} held out "
            f"{found_in_first(heldout, rank_of, 3):.3f}"
        )
    for name, weight in zip(names, weights):
        print(f"    {name}: {weight:.2f},")


if __name__ == "__main__":
    main()
