#!/usr/bin/env python3
"""Fits the answer confidence of retrieval/src/confidence.rs from `consulta eval`'s questions.json,
and picks `escalate_below` on the held-out questions.

Each gold question in questions.json carries the confidence features of its answer and whether the
text the composer wrote says the required facts (`would_answer`; a must-escalate question is
labelled false, since no text of ours answers it). The model is a logistic regression on the
tuning questions only: its output is the chance that the shown text answers the question. The
threshold is chosen on the held-out questions (new wording, never used to fit): the lowest chance
at which held-out must-escalate questions still go to an expert at least TARGET_RECALL of the
time, so that as few answerable questions as possible are escalated for nothing.

Usage (numpy is the only dependency: `pip install numpy`):

    consulta --data-dir DIR eval --reports /tmp/reports --thresholds /dev/null
    evals/tools/fit-confidence.py /tmp/reports/questions.json

It prints the fitted weights and intercept (copy them into `WEIGHTS` and `INTERCEPT`), the
escalation trade-off on both splits, the suggested threshold (set `escalate_below` to it in
retrieval/src/config.rs and the deploy configs), and a calibration table: within each band of
predicted chance, how many held-out answerable questions the text really answered.
"""

import json
import sys

import numpy as np

L2 = 0.01
EPOCHS = 4000
STEP = 0.5
TARGET_RECALL = 0.90


def load(path):
    """The questions that can label the confidence: must-escalate ones, and answerable ones with
    required facts. An answerable one nothing was composed for counts as not answered."""
    rows = []
    with open(path, encoding="utf-8") as file:
        for question in json.load(file):
            if not question["must_escalate"] and question.get("answered") is None:
                continue
            label = question.get("would_answer") or False
            rows.append(
                (
                    np.array(question["confidence_features"], dtype=float),
                    float(label),
                    question["must_escalate"],
                    question["heldout"],
                    question["composed"],
                )
            )
    return rows


def fit(rows):
    features = np.array([row[0] for row in rows])
    labels = np.array([row[1] for row in rows])
    # Must-escalate questions are few among the tuning ones: weigh both kinds equally.
    escalate = np.array([row[2] for row in rows])
    sample = np.where(escalate, 0.5 / escalate.mean(), 0.5 / (1 - escalate.mean()))
    weights = np.zeros(features.shape[1])
    intercept = 0.0
    for _ in range(EPOCHS):
        chance = 1 / (1 + np.exp(-(features @ weights + intercept)))
        error = (chance - labels) * sample
        weights -= STEP * (features.T @ error / len(labels) + L2 * weights)
        intercept -= STEP * error.mean()
    return weights, intercept


def trade_off(rows, weights, intercept, threshold):
    """Shares of must-escalate questions escalated, answerable ones escalated, and answerable ones
    answered (shown and saying the facts) at `threshold`. A question nothing was composed for (a
    request only a person can answer, or no quotable passage) goes to an expert whatever its
    chance."""
    must, answerable, escalated_must, escalated_answerable, answered = 0, 0, 0, 0, 0
    for features, label, must_escalate, _, composed in rows:
        chance = 1 / (1 + np.exp(-(features @ weights + intercept)))
        escalated = not composed or chance < threshold
        if must_escalate:
            must += 1
            escalated_must += escalated
        else:
            answerable += 1
            escalated_answerable += escalated
            answered += (not escalated) and label == 1
    return (
        escalated_must / max(must, 1),
        escalated_answerable / max(answerable, 1),
        answered / max(answerable, 1),
    )


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = load(sys.argv[1])
    tuning = [row for row in rows if not row[3]]
    heldout = [row for row in rows if row[3]]
    weights, intercept = fit(tuning)
    print(f"{len(tuning)} tuning and {len(heldout)} held-out questions")
    print("threshold | tuning: must-escalate escalated, answerable escalated, answered | held out: same")
    suggested = None
    for threshold in np.arange(0.05, 0.96, 0.025):
        tune = trade_off(tuning, weights, intercept, threshold)
        held = trade_off(heldout, weights, intercept, threshold)
        print(
            f"{threshold:.3f} | {tune[0]:.3f} {tune[1]:.3f} {tune[2]:.3f} | "
            f"{held[0]:.3f} {held[1]:.3f} {held[2]:.3f}"
        )
        if suggested is None and held[0] >= TARGET_RECALL:
            suggested = threshold
    print(f"suggested escalate_below: {suggested:.3f}" if suggested is not None else "no threshold reaches the target recall")
    print("calibration on held-out answerable questions (predicted chance: answered / n)")
    bands = {}
    for features, label, must_escalate, _, _ in heldout:
        if must_escalate:
            continue
        chance = 1 / (1 + np.exp(-(features @ weights + intercept)))
        band = min(int(chance * 10), 9)
        hits, count = bands.get(band, (0, 0))
        bands[band] = (hits + label, count + 1)
    for band in sorted(bands):
        hits, count = bands[band]
        print(f"  {band / 10:.1f}-{(band + 1) / 10:.1f}: {hits / count:.2f} of {count}")
    print("weights (in the order of CONFIDENCE_FEATURES):", ", ".join(f"{w:.2f}" for w in weights))
    print(f"intercept: {intercept:.2f}")


if __name__ == "__main__":
    main()
