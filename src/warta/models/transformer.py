"""Any local token-classification checkpoint (Hugging Face ``save_pretrained`` folder) as a tagger.

Each sentence's Warta tokens go in as words (``is_split_into_words``); a word takes the label of
its first sub-token. Labels with ``B-``/``I-`` prefixes are read as IOB2, labels without a prefix
(IO tagging) start a span where the type changes. A label map renames the checkpoint's types onto
Warta's (``LOC -> GPE``; ``null`` drops a type); a type that ends up outside the schema is an error
when the model loads, never a silent drop. A sentence longer than ``max_length`` sub-tokens is cut
into consecutive windows of whole words, each tagged on its own, and the tags are joined again
before spans are read, so an entity that crosses a window border stays one span if both windows
agree on it. Nothing is downloaded: the checkpoint is a local folder.

With ``epochs`` > 0 the runner's training gold (the train split) fine-tunes the checkpoint first
(``warta.models.finetune``), with the schema's BIO labels (a new classifier head if the
checkpoint's labels differ) and the epoch chosen on the validation split; with 0 the checkpoint
predicts as it is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from warta.corpus.conll import spans_from_bio
from warta.errors import WartaError
from warta.models.base import ExtractionModel, TrainingGold
from warta.models.finetune import FineTuning, fine_tune
from warta.repository import Repository
from warta.schema.annotation import load_schema
from warta.schema.documents import sentences_of
from warta.schema.mentions import EntityMention

WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")
# Files that change what the checkpoint predicts, hashed into ``model_version``.
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "sentencepiece.bpe.model",
    "spiece.model",
)


def label_tags(labels: list[str], mapping: Mapping[str, str | None]) -> list[str]:
    """IOB2 tags of a sentence's predicted labels (IOB2 or prefix-less IO), types mapped."""
    tags: list[str] = []
    previous: str | None = None
    for label in labels:
        prefix, kind = ("", None) if label == "O" else _split(label)
        target = mapping.get(kind) if kind is not None else None
        if target is None:
            tags.append("O")
        elif prefix == "I" or (prefix == "" and previous == target):
            tags.append(f"I-{target}")
        else:
            tags.append(f"B-{target}")
        previous = target
    return tags


def _split(label: str) -> tuple[str, str]:
    if len(label) > 2 and label[:2] in ("B-", "I-"):
        return label[0], label[2:]
    return "", label


def _reason(err: Exception) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0]}" if text else type(err).__name__


def word_windows(counts: list[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive word ranges whose sub-token counts fit the budget (a word too long alone gets
    a window of its own and is truncated there, keeping its first sub-token)."""
    windows: list[tuple[int, int]] = []
    start, used = 0, 0
    for index, count in enumerate(counts):
        if index > start and used + count > budget:
            windows.append((start, index))
            start, used = index, 0
        used += count
    if start < len(counts):
        windows.append((start, len(counts)))
    return windows


def checkpoint_digest(folder: Path, extra: str = "") -> str:
    """Short SHA-256 of the files that decide predictions: config, weights, tokenizer."""
    digest = hashlib.sha256()
    files = [folder / "config.json"]
    for pattern in WEIGHT_PATTERNS:
        files += sorted(folder.glob(pattern))
    files += [folder / name for name in TOKENIZER_FILES if (folder / name).is_file()]
    for file in files:
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    digest.update(extra.encode())
    return digest.hexdigest()[:12]


class TransformersModel(ExtractionModel):
    name = "transformers"
    version = "1"

    def __init__(
        self,
        checkpoint: str,
        batch_size: int = 16,
        max_length: int = 512,
        label_map: Mapping[str, str | None] | None = None,
        device: str = "cpu",
        schema_path: str | None = None,
        epochs: int = 0,
        learning_rate: float = 5e-5,
        seed: int = 0,
    ) -> None:
        self.checkpoint = Path(checkpoint).expanduser()
        if not self.checkpoint.is_dir():
            raise WartaError(f"{self.checkpoint}: checkpoint folder not found")
        if not (self.checkpoint / "config.json").is_file() or not any(
            any(self.checkpoint.glob(p)) for p in WEIGHT_PATTERNS
        ):
            raise WartaError(
                f"{self.checkpoint}: not a checkpoint folder (needs config.json and weights, "
                "as written by save_pretrained)"
            )
        self.batch_size, self.max_length, self.device = int(batch_size), int(max_length), device
        self.label_map = dict(label_map) if label_map is not None else None
        schema_file = Path(schema_path) if schema_path else Repository.find().schema_file
        self.schema_labels = load_schema(schema_file).bio_labels
        self.entity_types = {label[2:] for label in self.schema_labels if label != "O"}
        self.tuning = FineTuning(
            int(epochs), float(learning_rate), self.batch_size, self.max_length, int(seed)
        )
        self._version = (
            f"transformers-{self.checkpoint.resolve().name}-"
            f"{checkpoint_digest(self.checkpoint, json.dumps(self.label_map, sort_keys=True))}"
        )
        self._tokenizer = self._model = None
        self._labels: list[str] = []
        self._mapping: dict[str, str | None] = {}

    @property
    def model_version(self) -> str:
        """Names the folder and hashes its config, weights, tokenizer and the label map."""
        return self._version

    def training_data(self) -> list[str]:
        return [f"checkpoint {self.checkpoint.resolve().name} ({self._version.rsplit('-', 1)[-1]})"]

    def train(self, gold: TrainingGold) -> None:
        """Fine-tune on the allowed gold (``epochs`` > 0), keeping the epoch that scores best on
        the validation gold (strict entity F1)."""
        sentences = gold.sentences()
        if self.tuning.epochs <= 0 or not sentences:
            return
        if self._model is None:
            self._load()
        labels = self.schema_labels
        if self._labels != labels:
            self._model = self._new_head(labels)
        self._labels, self._mapping = labels, {t: t for t in self.entity_types}
        label_ids = {label: i for i, label in enumerate(labels)}
        select = _selection(self, gold.validation) if gold.validation else None
        self.training_log = fine_tune(
            self._model, self._tokenizer, sentences, label_ids, self.tuning, select
        )
        seen = sorted(s.sentence_id for s in sentences)
        digest = hashlib.sha256(json.dumps([seen, vars(self.tuning)]).encode()).hexdigest()
        self._version = f"{self._version}+ft{self.tuning.epochs}-{digest[:8]}"

    def _new_head(self, labels: list[str]):
        from transformers import AutoModelForTokenClassification

        model = AutoModelForTokenClassification.from_pretrained(
            self.checkpoint,
            local_files_only=True,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            ignore_mismatched_sizes=True,
        )
        return model.to(self.device)

    def resources(self) -> dict[str, set[str]]:
        """The tokenizer's vocabulary (word pieces without their continuation marks)."""
        if self._tokenizer is None:
            self._load()
        specials = set(self._tokenizer.all_special_tokens)
        return {
            "vocabulary": {
                piece.removeprefix("##").removeprefix("\u0120").removeprefix("\u2581")
                for piece in self._tokenizer.get_vocab()
                if piece not in specials
            }
        }

    def _load(self) -> None:
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        try:
            tokenizer = AutoTokenizer.from_pretrained(self.checkpoint, local_files_only=True)
            model = AutoModelForTokenClassification.from_pretrained(
                self.checkpoint, local_files_only=True
            )
        except Exception as err:  # transformers and safetensors raise many kinds for bad files
            raise WartaError(
                f"{self.checkpoint}: cannot load a token-classification checkpoint ({_reason(err)})"
            ) from None
        if not getattr(tokenizer, "is_fast", False):
            raise WartaError(
                f"{self.checkpoint}: the tokenizer has no fast (tokenizer.json) version, "
                "which word alignment needs"
            )
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self._mapping = self._type_mapping(labels)
        try:
            model.to(self.device).eval()
        except (RuntimeError, ValueError) as err:
            raise WartaError(f"device {self.device!r} cannot be used ({_reason(err)})") from None
        self._tokenizer, self._model, self._labels = tokenizer, model, labels

    def _type_mapping(self, labels: list[str]) -> dict[str, str | None]:
        """Checkpoint type -> Warta type; Warta types map to themselves unless the map says
        otherwise, and any other type must be in the map."""
        kinds = sorted({_split(label)[1] for label in labels if label != "O"})
        mapping = {k: k for k in kinds if k in self.entity_types}
        mapping.update(self.label_map or {})
        unmapped = [k for k in kinds if k not in mapping]
        if unmapped:
            raise WartaError(
                f"{self.checkpoint}: labels {', '.join(unmapped)} are not Warta entity types; "
                "map them with model.label_map (null drops a type)"
            )
        wrong = sorted({t for t in mapping.values() if t is not None} - self.entity_types)
        if wrong:
            raise WartaError(
                f"{self.checkpoint}: label_map targets {', '.join(wrong)} are not entity types "
                f"of the schema ({', '.join(sorted(self.entity_types))})"
            )
        return mapping

    def predict_entities(self, articles: list[dict]) -> list[list[EntityMention]]:
        if self._model is None:
            self._load()
        # (article, sentence) pairs and the word windows that cover each sentence
        sentences, windows = [], []
        for a, article in enumerate(articles):
            for sentence in sentences_of(article):
                words = sentence.tokens
                if not words:
                    continue
                sentences.append((a, sentence))
                for start, end in word_windows(self._subtoken_counts(words), self._budget()):
                    windows.append((len(sentences) - 1, words[start:end]))
        labels: list[list[str]] = [[] for _ in sentences]
        for first in range(0, len(windows), self.batch_size):
            batch = windows[first : first + self.batch_size]
            for (index, _), predicted in zip(
                batch, self._label_batch([w for _, w in batch]), strict=True
            ):
                labels[index] += predicted
        results: list[list[EntityMention]] = [[] for _ in articles]
        for (a, sentence), sentence_labels in zip(sentences, labels, strict=True):
            article = articles[a]
            tags = label_tags(sentence_labels, self._mapping)
            for start, end, kind in spans_from_bio(
                sentence.token_starts, sentence.token_ends, tags
            ):
                results[a].append(
                    EntityMention(f"t{start}", kind, start, end, article["text"][start:end])
                )
        return results

    def _limit(self) -> int:
        """Sub-tokens per window, specials included: ``max_length`` unless the tokenizer or the
        position embeddings allow fewer."""
        return min(
            self.max_length,
            getattr(self._tokenizer, "model_max_length", self.max_length),
            getattr(self._model.config, "max_position_embeddings", self.max_length),
        )

    def _budget(self) -> int:
        return max(1, self._limit() - self._tokenizer.num_special_tokens_to_add(pair=False))

    def _subtoken_counts(self, words: list[str]) -> list[int]:
        encoding = self._tokenizer(words, is_split_into_words=True, add_special_tokens=False)
        counts = [0] * len(words)
        for word in encoding.word_ids():
            if word is not None:
                counts[word] += 1
        return counts

    def _label_batch(self, batch: list[list[str]]) -> list[list[str]]:
        """Per window, the label of each word's first sub-token (``O`` for a word with none)."""
        import torch

        encoding = self._tokenizer(
            batch,
            is_split_into_words=True,
            truncation=True,
            max_length=self._limit(),
            padding=True,
            return_tensors="pt",
        )
        with torch.inference_mode():
            logits = self._model(**encoding.to(self.device)).logits
        best = logits.argmax(-1).tolist()
        labelled = []
        for row, words in enumerate(batch):
            labels = ["O"] * len(words)
            seen: set[int] = set()
            for position, word in enumerate(encoding.word_ids(row)):
                if word is not None and word not in seen:
                    seen.add(word)
                    labels[word] = self._labels[best[row][position]]
            labelled.append(labels)
        return labelled


def _selection(model: TransformersModel, validation: TrainingGold):
    """Strict entity F1 of the model on the validation documents (the selection score)."""
    from warta.metrics.entities import score_annotations

    rows, gold = validation.rows, validation.documents()

    def score() -> float:
        predicted = model.predict(rows)
        types = sorted(model.entity_types)
        return score_annotations(gold, predicted, types).total("strict").f1

    return score
