"""Which examples of a data set are held out from training: one rule, used by training and evaluation.

Data sets that come with a dev split (SciFact, Check-COVID) train on train and are measured on dev. Sets with
one file (Climate-FEVER, VitaminC, AVeriTeC train) are split here by a stable hash of a grouping key, so that
every example that shares the key (a claim with all its evidence; a VitaminC case with its contrastive
revisions; an AVeriTeC claim) lands on the same side:

    fold(key) in 0..4           # fold of 5-fold cross-validation
    held_out(key)               # fold 0: the documented held-out part (20 %)

The key per data set: Climate-FEVER `claim_id`, VitaminC `case_id` (falls back to `unique_id`), AVeriTeC the
claim's index in train.json. Change nothing here without re-measuring: published figures depend on it.

    reserved(key)               # fold 1: kept from the verifier's training (every set, the train files of
                                # SciFact and Check-COVID too, by claim id), so that the verdict aggregator
                                # (verdicts/aggregate.py) is fitted on claims whose evidence the verifier never saw
"""

from __future__ import annotations

import hashlib

FOLDS = 5
HELD_OUT_FOLD = 0
RESERVED_FOLD = 1

__all__ = ["FOLDS", "HELD_OUT_FOLD", "RESERVED_FOLD", "fold", "held_out", "reserved"]


def fold(key: object, folds: int = FOLDS) -> int:
    """The fold (0..folds-1) of an example's grouping key, stable across runs and machines."""
    digest = hashlib.sha256(str(key).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % folds


def held_out(key: object, test_fold: int = HELD_OUT_FOLD, folds: int = FOLDS) -> bool:
    """True when the example belongs to the held-out fold (never trained on)."""
    return fold(key, folds) == test_fold


def reserved(key: object) -> bool:
    """True when the example belongs to the fold kept for fitting the verdict aggregator (never given to the
    verifier's training; evaluation figures never use it either)."""
    return fold(key) == RESERVED_FOLD
