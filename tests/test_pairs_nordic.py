"""Norwegian and Danish pairs (training/pairs_nordic.py): DanFEVER's labels and NEI pairing, the rule-made Norwegian
pairs from CoNLL-U (each rule's output, determinism by seed, neutral partners from the same document, held-out by
sentence), the real articles' gold evidence, and the training mixture that takes them only when asked."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from eval.splits import held_out, reserved
from training import pairs_nordic as nordic
from training.pairs import read_pairs, read_seed_pairs

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def _jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


# A token: (form, lemma, upos, feats, head, deprel); a "+" before the form glues it to the previous token.
FIN = "Mood=Ind|Tense=Pres|VerbForm=Fin"
SENTENCES = {
    "number": [
        ("Byen", "by", "NOUN", "_", 2, "nsubj"),
        ("har", "ha", "VERB", FIN, 0, "root"),
        ("34.535", "34.535", "NUM", "_", 4, "nummod"),
        ("innbyggere", "innbygger", "NOUN", "_", 2, "obj"),
        ("+.", "$.", "PUNCT", "_", 2, "punct"),
    ],
    "names": [
        ("Per", "Per", "PROPN", "_", 3, "nsubj"),
        ("Hansen", "Hansen", "PROPN", "_", 1, "flat:name"),
        ("bor", "bo", "VERB", FIN, 0, "root"),
        ("i", "i", "ADP", "_", 5, "case"),
        ("Bergen", "Bergen", "PROPN", "_", 3, "obl"),
        ("+.", "$.", "PUNCT", "_", 3, "punct"),
    ],
    "clause": [
        ("Kommunen", "kommune", "NOUN", "_", 8, "nsubj"),
        ("+,", "$,", "PUNCT", "_", 4, "punct"),
        ("som", "som", "PRON", "_", 4, "nsubj"),
        ("ligger", "ligge", "VERB", FIN, 1, "acl:relcl"),
        ("ved", "ved", "ADP", "_", 6, "case"),
        ("fjorden", "fjord", "NOUN", "_", 4, "obl"),
        ("+,", "$,", "PUNCT", "_", 4, "punct"),
        ("vedtok", "vedta", "VERB", FIN, 0, "root"),
        ("planen", "plan", "NOUN", "_", 8, "obj"),
        ("12.", "12.", "ADJ", "_", 11, "amod"),
        ("mars", "mars", "NOUN", "_", 8, "obl"),
        ("2015", "2015", "NUM", "_", 11, "nmod"),
        ("+.", "$.", "PUNCT", "_", 8, "punct"),
    ],
    "negated": [
        ("Været", "vær", "NOUN", "_", 4, "nsubj"),
        ("var", "være", "AUX", FIN, 4, "cop"),
        ("ikke", "ikke", "PART", "_", 4, "advmod"),
        ("godt", "god", "ADJ", "_", 0, "root"),
        ("i", "i", "ADP", "_", 6, "case"),
        ("helgen", "helg", "NOUN", "_", 4, "obl"),
        ("+.", "$.", "PUNCT", "_", 4, "punct"),
    ],
    "calm": [
        ("Sjøen", "sjø", "NOUN", "_", 3, "nsubj"),
        ("er", "være", "AUX", FIN, 3, "cop"),
        ("kald", "kald", "ADJ", "_", 0, "root"),
        ("om", "om", "ADP", "_", 5, "case"),
        ("vinteren", "vinter", "NOUN", "_", 3, "obl"),
        ("+.", "$.", "PUNCT", "_", 3, "punct"),
    ],
    "leader": [
        ("Kari", "Kari", "PROPN", "_", 3, "nsubj"),
        ("Nordmann", "Nordmann", "PROPN", "_", 1, "flat:name"),
        ("leder", "lede", "VERB", FIN, 0, "root"),
        ("styret", "styre", "NOUN", "_", 3, "obj"),
        ("i", "i", "ADP", "_", 6, "case"),
        ("Tromsø", "Tromsø", "PROPN", "_", 3, "obl"),
        ("+.", "$.", "PUNCT", "_", 3, "punct"),
    ],
    "ferry": [
        ("Ferja", "ferje", "NOUN", "_", 2, "nsubj"),
        ("går", "gå", "VERB", FIN, 0, "root"),
        ("hver", "hver", "DET", "_", 4, "det"),
        ("time", "time", "NOUN", "_", 2, "obl"),
        ("fra", "fra", "ADP", "_", 6, "case"),
        ("kaia", "kai", "NOUN", "_", 2, "obl"),
        ("+.", "$.", "PUNCT", "_", 2, "punct"),
    ],
    "train": [
        ("Toget", "tog", "NOUN", "_", 2, "nsubj"),
        ("stopper", "stoppe", "VERB", FIN, 0, "root"),
        ("ved", "ved", "ADP", "_", 4, "case"),
        ("stasjonen", "stasjon", "NOUN", "_", 2, "obl"),
        ("i", "i", "ADP", "_", 6, "case"),
        ("morgen", "morgen", "NOUN", "_", 2, "obl"),
        ("+.", "$.", "PUNCT", "_", 2, "punct"),
    ],
}
NYNORSK = {
    "ho": [
        ("Ho", "ho", "PRON", "_", 2, "nsubj"),
        ("kjem", "kome", "VERB", FIN, 0, "root"),
        ("frå", "frå", "ADP", "_", 4, "case"),
        ("Oslo", "Oslo", "PROPN", "_", 2, "obl"),
        ("med", "med", "ADP", "_", 6, "case"),
        ("toget", "tog", "NOUN", "_", 2, "obl"),
        ("+.", "$.", "PUNCT", "_", 2, "punct"),
    ],
    "snow": [
        ("Snøen", "snø", "NOUN", "_", 2, "nsubj"),
        ("fell", "falle", "VERB", FIN, 0, "root"),
        ("tidleg", "tidleg", "ADJ", "_", 4, "amod"),
        ("på", "på", "ADP", "_", 5, "case"),
        ("fjellet", "fjell", "NOUN", "_", 2, "obl"),
        ("+.", "$.", "PUNCT", "_", 2, "punct"),
    ],
}


def conllu(docs: list[list[tuple[str, str]]]) -> str:
    """CoNLL-U text: one `# newdoc` per document, each sentence (sent_id, name in SENTENCES / NYNORSK)."""
    table = {**SENTENCES, **NYNORSK}
    out = []
    for d, doc in enumerate(docs):
        out.append(f"# newdoc id = d{d}")
        for sid, name in doc:
            toks = table[name]
            text = ""
            for form, *_ in toks:
                text += form[1:] if form.startswith("+") else (" " if text else "") + form
            out += [f"# sent_id = {sid}", f"# text = {text}"]
            for i, (form, lemma, upos, feats, head, deprel) in enumerate(toks, 1):
                out.append(
                    "\t".join(
                        [
                            str(i),
                            form.lstrip("+") if len(form) > 1 else form,
                            lemma,
                            upos,
                            "_",
                            feats,
                            str(head),
                            deprel,
                            "_",
                            "_",
                        ]
                    )
                )
            out.append("")
    return "\n".join(out) + "\n"


def ids(treebank: str, side: bool, n: int, start: int = 0) -> list[str]:
    """n sentence ids whose key lands on the given side of the split."""
    out, i = [], start
    while len(out) < n:
        if held_out(f"{treebank}:s{i}") == side:
            out.append(f"s{i}")
        i += 1
    return out


def make_ud(root: Path) -> Path:
    ud = root / "norwegian-ud"
    ud.mkdir(parents=True, exist_ok=True)
    train, test = ids("no_bokmaal", False, 6), ids("no_bokmaal", True, 2)
    doc1 = list(zip(train[:5], ["number", "names", "clause", "negated", "calm"]))
    doc2 = [(train[5], "leader"), (test[0], "ferry"), (test[1], "train")]
    (ud / "no_bokmaal-ud-test.conllu").write_text(conllu([doc1, doc2]), encoding="utf-8")
    nn = ids("no_nynorsk", False, 2)
    (ud / "no_nynorsk-ud-test.conllu").write_text(conllu([list(zip(nn, ["ho", "snow"]))]), encoding="utf-8")
    return root


@pytest.fixture()
def ud_data(tmp_path) -> Path:
    return make_ud(tmp_path)


def text_of(name: str) -> str:
    return conllu([[("x", name)]]).split("# text = ")[1].split("\n")[0]


def sentence(data: Path, name: str) -> nordic.UDSentence:
    for f in sorted((data / "norwegian-ud").glob("*.conllu")):
        for s in nordic.read_conllu(f):
            if s.text == text_of(name):
                return s
    raise AssertionError(f"{name} is not in the files")


def corpus(data: Path):
    sents = [s for f in sorted((data / "norwegian-ud").glob("*.conllu")) for s in nordic.read_conllu(f)]
    kinds = nordic.name_kinds(sents)
    pools: dict[str, list[str]] = {}
    for n, k in sorted(kinds.items()):
        pools.setdefault(k, []).append(n)
    return sents, kinds, pools


# ------------------------------------------------------------------------------------------------- CoNLL-U rules


def test_conllu_is_read_with_spans_documents_and_languages(ud_data):
    sents, _, _ = corpus(ud_data)
    assert len(sents) == 10
    s = sentence(ud_data, "clause")
    assert s.text == "Kommunen, som ligger ved fjorden, vedtok planen 12. mars 2015."
    assert all(s.text[t.start : t.end] == t.form for t in s.tokens)
    assert s.language == "nb" and sentence(ud_data, "ho").language == "nn"
    assert s.key.startswith("no_bokmaal:s") and s.doc == sentence(ud_data, "number").doc
    assert sentence(ud_data, "leader").doc != s.doc


def test_a_swapped_number_differs_and_is_no_rounding(ud_data):
    s = sentence(ud_data, "number")
    seen = set()
    for seed in range(30):
        claim, rule = nordic.swap_number(s, random.Random(seed))
        m = re.fullmatch(r"Byen har (\S+) innbyggere\.", claim)
        new = nordic.parse_number(m.group(1))
        assert rule == "count_swapped" and new != Decimal(34535)
        assert not nordic.is_rounding(34535, new) and abs(new - 34535) / 34535 >= Decimal("0.2")
        seen.add(new)
    assert len(seen) > 3  # the seed chooses among several
    years = {nordic.swap_number(sentence(ud_data, "clause"), random.Random(seed)) for seed in range(30)}
    swapped = [c for c, r in years if r == "year_swapped"]
    assert swapped and all(re.search(r"12\. mars (\d{4})\.$", c) for c in swapped)
    assert all(0 < abs(int(c[-5:-1]) - 2015) <= 15 for c in swapped)
    days = [c for c, r in years if r == "day_swapped"]
    assert days and all(not c.startswith("Kommunen, som ligger ved fjorden, vedtok planen 12.") for c in days)


def test_is_rounding_accepts_what_a_journalist_writes_and_nothing_else():
    assert nordic.is_rounding(34535, 34000) and nordic.is_rounding(34535, 35000)
    assert nordic.is_rounding(34535, 34500) and nordic.is_rounding(Decimal("4.5"), 5)
    assert not nordic.is_rounding(34535, 51000) and not nordic.is_rounding(34535, 24000)
    assert not nordic.is_rounding(2015, 2016) and not nordic.is_rounding(8, 12)
    assert nordic.parse_number("34 535") == nordic.parse_number("34.535") == Decimal(34535)
    assert nordic.parse_number("4,5") == Decimal("4.5") and nordic.parse_number("3.5.4") is None
    assert nordic.format_number(Decimal(51000), ".") == "51.000"
    assert nordic.format_number(Decimal("6.1"), "", 1) == "6,1"


def test_a_rounded_number_stays_within_its_rounding(ud_data):
    s = sentence(ud_data, "number")
    rules = set()
    for seed in range(40):
        claim, rule = nordic.round_number(s, random.Random(seed))
        m = re.fullmatch(r"Byen har (over|drøyt|under|nesten|nærmere|rundt|om lag|cirka) (\S+) innbyggere\.", claim)
        assert m, claim
        x = nordic.parse_number(m.group(2))
        assert nordic.is_rounding(34535, x) and x != 34535
        if m.group(1) in ("over", "drøyt"):
            assert rule == "rounded_over" and 0 < (34535 - x) / 34535 <= Decimal("0.10")
        elif m.group(1) in ("under", "nesten", "nærmere"):
            assert rule in ("rounded_under", "rounded_nesten") and 0 < (x - 34535) / x <= Decimal("0.05")
        else:
            assert rule == "rounded_rundt" and abs(x - 34535) / 34535 <= Decimal("0.05")
        rules.add(rule)
    assert {"rounded_over", "rounded_rundt"} <= rules
    assert ("over", Decimal(34000)) in nordic.rounded_candidates(Decimal(34535))
    assert ("nesten", Decimal(35000)) in nordic.rounded_candidates(Decimal(34535))
    assert ("nesten", Decimal(260)) not in nordic.rounded_candidates(Decimal(250))  # 260 is not rounder than 250


def test_negation_added_or_removed(ud_data):
    assert nordic.add_negation(sentence(ud_data, "number")) == ("Byen har ikke 34.535 innbyggere.", "negation_added")
    assert nordic.add_negation(sentence(ud_data, "ho")) == ("Ho kjem ikkje frå Oslo med toget.", "negation_added")
    assert nordic.add_negation(sentence(ud_data, "negated")) is None  # already negated
    assert nordic.remove_negation(sentence(ud_data, "negated")) == ("Været var godt i helgen.", "negation_removed")
    assert nordic.remove_negation(sentence(ud_data, "number")) is None


def test_clause_dropped_date_rewritten_month_and_name_swapped(ud_data):
    s = sentence(ud_data, "clause")
    assert nordic.drop_clause(s) == ("Kommunen vedtok planen 12. mars 2015.", "clause_dropped")
    assert nordic.drop_clause(sentence(ud_data, "number")) is None
    dates = {nordic.rewrite_date(s, random.Random(seed))[:2] for seed in range(10)}
    assert dates == {("Kommunen, som ligger ved fjorden, vedtok planen 12.03.2015.", "date_numeric")}
    months = {nordic.swap_month(s, random.Random(seed)) for seed in range(10)}
    assert all(c.endswith(" 2015.") and " mars " not in c and r == "month_swapped" for c, r in months)
    _, kinds, pools = corpus(ud_data)
    assert kinds["Bergen"] == kinds["Oslo"] == "place" and kinds["Per Hansen"] == "person"
    out = {nordic.swap_name(sentence(ud_data, "names"), random.Random(seed), kinds, pools) for seed in range(20)}
    assert out <= {
        ("Kari Nordmann bor i Bergen.", "person_name_swapped"),
        ("Per Hansen bor i Oslo.", "place_name_swapped"),
        ("Per Hansen bor i Tromsø.", "place_name_swapped"),
    }
    assert len(out) >= 2


def test_rule_pairs_are_deterministic_by_seed_and_stances_right(ud_data):
    nordic._ud_pairs_cached.cache_clear()
    a = nordic.norwegian_ud_pairs(ud_data, seed=0)
    nordic._ud_pairs_cached.cache_clear()
    assert nordic.norwegian_ud_pairs(ud_data, seed=0) == a
    assert any(nordic.norwegian_ud_pairs(ud_data, seed=k) != a for k in range(1, 6))
    assert {p.stance for p in a} == {"supports", "refutes", "neutral"}
    assert all(p.source == "norwegian_ud" and p.claim != p.evidence for p in a)

    def plain(text: str) -> str:
        return text.replace(" ikke", "").replace(" ikkje", "")

    for p in a:
        if p.rule.startswith("negation"):  # the same sentence but for the negation
            assert p.stance == "refutes" and plain(p.claim) == plain(p.evidence)
        if p.rule == "clause_dropped":
            assert p.stance == "supports" and len(p.claim) < len(p.evidence)
    assert list(read_pairs(ud_data, "norwegian_ud")) == a


def test_neutral_pairs_come_from_the_same_document_and_split_is_by_sentence(ud_data, monkeypatch):
    monkeypatch.setattr(nordic, "BALANCE", 100.0)  # keep every pair of the tiny corpus
    sents, _, _ = corpus(ud_data)
    by_text = {s.text: s for s in sents}
    assert len(by_text) == len(sents)
    pairs = nordic.norwegian_ud_pairs(ud_data, seed=0)
    neutral = [p for p in pairs if p.stance == "neutral"]
    assert len({p.key for p in neutral}) >= 5
    for p in neutral:
        a, b = by_text[p.claim], by_text[p.evidence]
        assert a.key == p.key != b.key and a.doc == b.doc and a.held_out == b.held_out == p.held_out
    assert any(by_text[p.claim].doc != by_text[text_of("number")].doc for p in neutral)  # the other document too
    keys: dict[str, set] = {}
    for p in pairs:
        keys.setdefault(p.key, set()).add(p.held_out)
        assert p.held_out == held_out(p.key)
    assert all(len(v) == 1 for v in keys.values())
    assert {p.held_out for p in pairs} == {True, False}  # both sides present, whole sentences each


def test_neutral_partner_respects_documents_and_overlap(ud_data):
    sents, _, _ = corpus(ud_data)
    docs: dict[str, list] = {}
    for s in sents:
        docs.setdefault(s.doc, []).append(s)
    s = sentence(ud_data, "number")
    for seed in range(10):
        o = nordic.neutral_partner(s, docs[s.doc], random.Random(seed))
        assert o is not None and o.doc == s.doc and o.key != s.key and o.held_out == s.held_out
    # "leader" is the only train-side sentence of its document: no partner (the held-out ones are not taken)
    leader = sentence(ud_data, "leader")
    assert not leader.held_out and nordic.neutral_partner(leader, docs[leader.doc], random.Random(0)) is None
    # a sentence sharing a name is no neutral partner ("ho" and "snow" share none: they are partners)
    ho = sentence(ud_data, "ho")
    assert nordic.neutral_partner(ho, docs[ho.doc], random.Random(0)).text == text_of("snow")


def test_missing_conllu_gives_a_coded_error(tmp_path):
    with pytest.raises(nordic.PairDataError) as err:
        nordic.norwegian_ud_pairs(tmp_path)
    assert err.value.code == "FC736" and "--data" in str(err.value)


# ------------------------------------------------------------------------------------------------- DanFEVER

LONG = " ".join(f"Sætning nummer {i} handler om noget helt andet end kravet her." for i in range(30))


def make_danfever(root: Path) -> Path:
    d = root / "danfever"
    _jsonl(
        d / "train.jsonl",
        [
            {
                "claim": "Aalborg ligger i Nordjylland.",
                "entity": ["Aalborg"],
                "label": "Supported",
                "evidence": ["Aalborg er en by i Nordjylland ved Limfjorden."],
            },
            {
                "claim": "Aalborg ligger på Fyn.",
                "entity": ["Aalborg"],
                "label": "Refuted",
                "evidence": ["Aalborg er en by i Nordjylland ved Limfjorden."],
            },
            {
                "claim": "Aalborg har en zoologisk have fra 1935.",
                "entity": ["Aalborg"],
                "label": "NotEnoughInfo",
                "evidence": [""],
            },
            {"claim": "Ukendt by har tre kirker.", "entity": ["Ukendt_by"], "label": "NotEnoughInfo", "evidence": [""]},
            {
                "claim": "Odense blev grundlagt omkring år 988 ved Odense Å.",
                "entity": ["Odense", "Odense_Å"],
                "label": "Supported",
                "evidence": [LONG, "Odense blev grundlagt omkring år 988 og ligger ved Odense Å på Fyn."],
            },
        ],
    )
    _jsonl(
        d / "dev.jsonl",
        [
            {
                "claim": "Vejle ligger ved Vejle Fjord.",
                "entity": ["Vejle"],
                "label": "Supported",
                "evidence": ["Vejle er en by ved Vejle Fjord."],
            },
            {"claim": "Vejle har 200.000 indbyggere.", "entity": ["Vejle"], "label": "NotEnoughInfo", "evidence": [""]},
        ],
    )
    _jsonl(
        d / "fever_da_mt.jsonl",
        [
            {
                "label": "Refuted",
                "claim": f"Filmen kom i {1990 + i}.",
                "evidence": [f"Filmen -LRB- {1980 + i} -RRB- er en amerikansk film ."],
            }
            for i in range(10)
        ]
        + [{"label": "NotEnoughInfo", "claim": "John er en gul lanterne.", "evidence": ["John Adams var præsident ."]}],
    )
    return root


def test_danfever_labels_nei_pairing_split_and_cut(tmp_path):
    data = make_danfever(tmp_path)
    train = list(read_pairs(data, "danfever_train"))
    assert [(p.claim[:14], p.stance) for p in train] == [
        ("Aalborg ligger", "supports"),
        ("Aalborg ligger", "refutes"),
        ("Aalborg har en", "neutral"),
        ("Odense blev gr", "supports"),
    ]  # the NEI claim with no other evidence: skipped
    nei = train[2]
    assert nei.evidence == "Aalborg er en by i Nordjylland ved Limfjorden." and nei.rule == "nei_entity"
    assert nei.key == train[0].key == "danfever:Aalborg" and not any(p.held_out for p in train)
    odense = train[3]
    assert odense.evidence.startswith("Odense blev grundlagt omkring år 988")  # most shared words first
    assert len(odense.evidence.split()) <= nordic.EVIDENCE_WORDS
    dev = list(read_pairs(data, "danfever_dev"))
    assert [p.stance for p in dev] == ["supports", "neutral"] and all(p.held_out for p in dev)
    assert dev[1].evidence == "Vejle er en by ved Vejle Fjord."
    mt = list(read_pairs(data, "danfever_mt"))
    assert len(mt) == 11 and mt[-1].stance == "neutral" and mt[-1].evidence == "John Adams var præsident."
    assert mt[0].evidence == "Filmen (1980) er en amerikansk film." and mt[0].stance == "refutes"
    assert all(p.held_out == held_out(p.key) for p in mt)


def test_focus_evidence_keeps_the_sentences_that_share_words():
    claim = "Bornholm har 39.000 indbyggere."
    text = nordic.focus_evidence(
        claim, [LONG + " Bornholm har omkring 39.000 indbyggere i alt.", "Kort afsnit."], max_words=20
    )
    assert "Bornholm har omkring 39.000 indbyggere i alt." in text and len(text.split()) <= 20
    assert nordic.focus_evidence(claim, ["", "   "]) == ""


# ------------------------------------------------------------------------------------------------- articles


def make_articles(root: Path) -> Path:
    gold = [
        {
            "id": "C01",
            "source_span_no": "Over 34.000 er drept.",
            "claim_en": "Over 34,000 killed.",
            "evidence": [
                {"quote": "34,535 killed.", "stance": "supports", "language": "en"},
                {"quote": "Om lag 34 000 drepne.", "stance": "supports", "language": "no"},
                {"quote": "Counts differ.", "stance": "qualifies", "language": "en"},
            ],
        },
        {
            "id": "C02",
            "source_span_no": "Han er 87 år.",
            "claim_en": "He is 87.",
            "evidence": [{"quote": "Born 15 November 1935.", "stance": "refutes", "language": "en"}],
        },
    ]
    _jsonl(root / "articles" / "b-case" / "claims.gold.jsonl", gold)
    _jsonl(root / "articles" / "a-case" / "claims.gold.jsonl", gold[:1])
    (root / "articles" / "README.md").write_text("not a case")
    _jsonl(root / "seed" / "claims.gold.jsonl", gold[1:])
    return root


def test_article_pairs_cover_every_case_and_the_seed(tmp_path):
    data = make_articles(tmp_path)
    pairs, counts = nordic.article_pairs(data)
    assert counts["cases"] == 3 and counts["pairs"] == len(pairs) == 6
    assert counts["stances"] == {"supports": 4, "refutes": 2} and counts["per_case"] == {
        "a-case": 2,
        "b-case": 3,
        "seed": 1,
    }
    assert all(p.held_out and p.source == "articles" for p in pairs)
    assert pairs[0].claim == "Over 34.000 er drept." and pairs[0].evidence == "34,535 killed."
    assert pairs[0].key == "a-case:C01" and pairs[-1].key == "seed:C02"
    seed = read_seed_pairs(data)
    assert [(p.claim_id, p.stance, p.case, p.evidence_language) for p in seed] == [("C02", "refutes", "seed", "en")]
    assert list(read_pairs(data, "articles")) == pairs


# ------------------------------------------------------------------------------------------------- the mixture


def test_the_mixture_takes_nordic_sets_only_when_asked(tmp_path):
    from tests.test_entail_train import make_data
    from training.verifier import NORDIC_MIXTURE, _mix, eval_pairs, trained_languages

    plain = make_data(tmp_path / "plain")
    data = make_articles(make_danfever(make_ud(make_data(tmp_path / "all"))))
    before, stats_before = _mix(plain, 10_000, seed=0)
    same, stats_same = _mix(data, 10_000, seed=0)
    assert same == before and stats_same == stats_before  # the default mixture is unchanged
    chosen, stats = _mix(data, 10_000, seed=0, nordic=True)
    assert set(NORDIC_MIXTURE) <= set(stats)
    assert not any(p.held_out or reserved(p.key) for p in chosen)
    assert not any(p.source in ("danfever_dev", "articles") for p in chosen)
    assert {p.source for p in chosen} >= {"danfever_train", "danfever_mt", "norwegian_ud", "vitaminc_real"}
    assert _mix(data, 10_000, seed=0, nordic=True) == (chosen, stats)
    without, st = _mix(data, 10_000, seed=0, exclude=("norwegian_ud",), nordic=True)
    assert "norwegian_ud" not in st and not any(p.source == "norwegian_ud" for p in without)
    evals = eval_pairs(data, nordic=True)
    assert {"danfever_dev", "norwegian_ud", "articles"} <= set(evals) and all(
        p.held_out for k in ("danfever_dev", "norwegian_ud", "articles") for p in evals[k]
    )
    assert "articles" not in eval_pairs(data)
    assert trained_languages() == ("en",) and set(trained_languages(True)) == {"en", "da", "nb", "nn"}


# ------------------------------------------------------------------------------------------------- the real files


@pytest.mark.skipif(
    not (SHARED / "norwegian-ud").is_dir() or not (SHARED / "danfever").is_dir(),
    reason="the shared data (../shared/data with norwegian-ud/ and danfever/) is not here",
)
def test_the_real_files_give_balanced_pairs_on_both_sides():
    from collections import Counter

    ud = nordic.norwegian_ud_pairs(SHARED, seed=0)
    st = Counter(p.stance for p in ud)
    assert len(ud) > 3000 and max(st.values()) <= nordic.BALANCE * min(st.values()) + 1
    assert 0.1 < sum(p.held_out for p in ud) / len(ud) < 0.3
    assert {p.key.split(":")[0] for p in ud} == {"no_bokmaal", "no_nynorsk"}
    assert len({p.rule for p in ud}) >= 12
    dev = list(read_pairs(SHARED, "danfever_dev"))
    assert len(dev) > 300 and all(p.held_out for p in dev)
    assert not any(p.held_out for p in read_pairs(SHARED, "danfever_train"))
    pairs, counts = nordic.article_pairs(SHARED)
    assert counts["cases"] >= 7 and counts["stances"]["refutes"] > 0 and all(p.held_out for p in pairs)


def test_the_cli_passes_nordic_and_measure_reads_the_nordic_sets(tmp_path, monkeypatch):
    import numpy as np
    from click.testing import CliRunner

    import training.verifier as tv
    from cli.main import cli

    seen = {}

    def fake_train(opts, progress=None):
        seen["opts"] = opts
        return tv.TrainResult(out=Path(opts.out), card={"pairs_trained": 0, "seconds": 0.0, "held_out": {}})

    monkeypatch.setattr(tv, "train_verifier", fake_train)
    res = CliRunner().invoke(
        cli, ["train", "verifier", "--data", str(tmp_path), "--out", str(tmp_path / "v"), "--nordic"]
    )
    assert res.exit_code == 0, res.output
    assert seen["opts"].nordic and "--nordic" in seen["opts"].command

    class Uniform:
        def predict(self, claims, evidence):
            return np.full((len(claims), 3), 1 / 3)

    data = make_articles(make_danfever(tmp_path / "d"))
    report = tv.measure_verifier(Uniform(), data, sets=["articles", "danfever_dev"])
    assert set(report["held_out"]) == {"articles", "danfever_dev"}
    assert report["held_out"]["articles"]["pairs"] == 6 and report["held_out"]["danfever_dev"]["pairs"] == 2
