"""training.calibrate_articles: held-out fits by article and the choice of the 'refuted with high confidence' bar."""

from training.calibrate_articles import NONE_HIGH, choose_refuted_high, held_out, log_loss
from verdicts.decide import DecideConfig


def rows(spec):
    """spec: (case, label, raw, correct) tuples."""
    return [{"case": c, "label": lab, "raw": raw, "correct": ok} for c, lab, raw, ok in spec]


def test_refuted_high_is_the_lowest_bar_that_keeps_false_alarms_under_the_target():
    rs = rows([("a", "REFUTED", 0.0, ok) for ok in (False, True, True, True, True, True, False, True)])
    conf = [0.62, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95]  # the two false alarms at 0.62 and 0.93
    high, table = choose_refuted_high(conf, rs, target=0.8, low=0.6)
    assert high == 0.63  # from 0.63 up: 6 right of 7
    assert table[0] == {"threshold": 0.6, "refuted": 8, "precision": 0.75}
    strict, _ = choose_refuted_high(conf, rs, target=0.95, low=0.6)
    assert strict == NONE_HIGH  # never reached with at least 5 calls: no REFUTED is "high"
    supported = rows([("a", "SUPPORTED", 0.0, False)] * 8)
    assert choose_refuted_high(conf, supported, target=0.8)[0] == NONE_HIGH  # only REFUTED calls count


def test_held_out_confidences_come_from_fits_that_never_saw_the_article():
    good = [("a", "SUPPORTED", 0.9, True)] * 30 + [("b", "SUPPORTED", 0.9, True)] * 30
    bad = [("c", "SUPPORTED", 0.9, False)] * 30
    rs = rows(good + bad)
    conf = held_out(rs)
    assert all(abs(c - 0.5) < 0.05 for c in conf[:60])  # a (and b): fitted on b (a) and c, half of it wrong
    assert all(c > 0.9 for c in conf[60:])  # c: fitted on a and b alone, where every call was right


def test_log_loss_and_the_shipped_bar():
    assert log_loss([0.9, 0.9], [True, False]) == round(
        -(__import__("math").log(0.9) + __import__("math").log(0.1)) / 2, 4
    )
    cfg = DecideConfig.load()
    assert cfg.review_below <= cfg.refuted_high <= NONE_HIGH
