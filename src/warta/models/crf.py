"""A CRF tagger (sklearn-crfsuite) with the usual lexical features, trained on the Warta gold the
runner allows (the train split) and, if ``train_path`` is set, on a CoNLL file too.

With out-of-domain data (e.g. idner-news-2k with ``LOC -> GPE``) the types its label map produces
join those of the Warta gold; results say which types were scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from warta.corpus.conll import TaggedSentence, bio_from_spans, read_conll, spans_from_bio
from warta.errors import WartaError
from warta.models.base import ExtractionModel, TrainingGold
from warta.schema.documents import sentences_of
from warta.schema.mentions import EntityMention


def token_features(tokens: list[str], index: int) -> dict[str, object]:
    word = tokens[index]
    features: dict[str, object] = {
        "bias": 1.0,
        "lower": word.lower(),
        "suffix3": word[-3:].lower(),
        "suffix2": word[-2:].lower(),
        "prefix3": word[:3].lower(),
        "is_title": word.istitle(),
        "is_upper": word.isupper(),
        "is_digit": word.isdigit(),
        "has_digit": any(c.isdigit() for c in word),
        "has_hyphen": "-" in word,
        "has_dot": "." in word,
        "shape": "".join(
            "X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c
            for c in word[:6]
        ),
    }
    for offset in (-2, -1, 1, 2):
        position = index + offset
        if 0 <= position < len(tokens):
            other = tokens[position]
            features[f"{offset}:lower"] = other.lower()
            features[f"{offset}:is_title"] = other.istitle()
            features[f"{offset}:is_upper"] = other.isupper()
        else:
            features[f"{offset}:edge"] = True
    return features


def sentence_features(tokens: list[str]) -> list[dict[str, object]]:
    return [token_features(tokens, i) for i in range(len(tokens))]


class CrfModel(ExtractionModel):
    name = "crf"
    version = "1"

    def __init__(
        self,
        train_path: str | None = None,
        label_map: Mapping[str, str | None] | None = None,
        c1: float = 0.1,
        c2: float = 0.1,
        max_iterations: int = 100,
    ) -> None:
        self.train_path = train_path
        self.label_map = dict(label_map or {"PER": "PER", "ORG": "ORG", "LOC": "GPE"})
        self.c1, self.c2, self.max_iterations = c1, c2, max_iterations
        self._crf = None

    def train(self, gold: TrainingGold) -> None:
        """Train on the Warta gold the protocol allows plus ``train_path`` (if set)."""
        warta = gold.sentences()
        if not warta and not self.train_path:
            raise WartaError(
                "the crf model has no training data: the gold's train split is empty and "
                "model.train_path (a CoNLL file) is not set"
            )
        external = (
            list(read_conll(Path(self.train_path), self.label_map)) if self.train_path else []
        )
        self.fit(external, extra_sentences=warta)

    def training_data(self) -> list[str]:
        return [str(self.train_path)] if self.train_path else []

    def resources(self) -> dict[str, set[str]]:
        """The words the CRF has features for (its trained vocabulary)."""
        if self._crf is None:
            return {}
        words = set()
        for attribute in self._crf.attributes_:
            head, found, value = attribute.partition("lower:")
            if found and head in ("", "-2:", "-1:", "1:", "2:") and value:
                words.add(value)
        return {"vocabulary": words}

    def fit(
        self,
        sentences: list[TaggedSentence] | None = None,
        extra_sentences: list[TaggedSentence] = (),
    ) -> CrfModel:
        """Train on the given sentences (default: ``train_path`` read with the label map), plus
        any extra ones (Warta gold of other folds under cross-validation)."""
        import sklearn_crfsuite

        if sentences is None:
            if not self.train_path:
                raise WartaError(
                    "the crf model needs training data: set model.train_path (a CoNLL file)"
                )
            sentences = list(read_conll(Path(self.train_path), self.label_map))
        sentences = [*sentences, *extra_sentences]
        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=self.c1, c2=self.c2, max_iterations=self.max_iterations
        )
        crf.fit(
            [sentence_features(s.tokens) for s in sentences],
            [bio_from_spans(s.starts, s.ends, s.spans) for s in sentences],
        )
        self._crf = crf
        return self

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        if self._crf is None:
            self.fit()
        results = []
        for article in articles:
            mentions = []
            for sentence in sentences_of(article):
                tags = self._crf.predict_single(sentence_features(sentence.tokens))
                spans = spans_from_bio(sentence.token_starts, sentence.token_ends, tags)
                for start, end, kind in spans:
                    text = article["text"][start:end]
                    mentions.append(EntityMention(f"c{start}", kind, start, end, text))
            results.append(mentions)
        return results
