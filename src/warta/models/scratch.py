"""A small BERT built from scratch on the training split: the transformers baseline that needs no
pretrained checkpoint (nothing is downloaded).

``train`` writes a WordPiece-style vocabulary from the words of the allowed training sentences
(plus single characters, so any word splits), a randomly initialised BERT of the configured size
with the schema's BIO labels, and then fine-tunes it like any checkpoint
(``TransformersModel.train``: the epoch is chosen on validation). It exercises the whole path from
training to the leaderboard on a CPU in minutes; it is a baseline of the plumbing, not of what a
pretrained Indonesian encoder reaches.
"""

from __future__ import annotations

import re
import string
import tempfile
from pathlib import Path

from warta.models.base import TrainingGold
from warta.models.transformer import TransformersModel
from warta.repository import Repository
from warta.schema.annotation import load_schema

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def vocabulary(texts: list[str], max_words: int) -> list[str]:
    """BERT specials, the most frequent lower-cased words, then single characters and their
    continuation pieces (so every word can be split)."""
    from collections import Counter

    counts = Counter(w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower()))
    words = [w for w, _ in counts.most_common(max_words)]
    pieces = [*string.ascii_lowercase, *string.digits]
    return [*SPECIALS, *words, *(p for p in pieces if p not in words), *(f"##{p}" for p in pieces)]


def build_bert(folder: Path, words: list[str], labels: list[str], size: dict, seed: int) -> Path:
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab=str(folder / "vocab.txt"))
    config = BertConfig(
        vocab_size=len(tokenizer.get_vocab()),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        **size,
    )
    torch.manual_seed(seed)
    BertForTokenClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class ScratchTransformersModel(TransformersModel):
    name = "transformers_scratch"
    version = "1"

    def __init__(
        self,
        hidden_size: int = 128,
        layers: int = 2,
        heads: int = 2,
        max_words: int = 20000,
        epochs: int = 8,
        learning_rate: float = 1e-3,
        batch_size: int = 16,
        max_length: int = 128,
        device: str = "cpu",
        schema_path: str | None = None,
        seed: int = 0,
        workdir: str | None = None,
    ) -> None:
        self._size = {
            "hidden_size": int(hidden_size),
            "num_hidden_layers": int(layers),
            "num_attention_heads": int(heads),
            "intermediate_size": 4 * int(hidden_size),
            "max_position_embeddings": max(int(max_length), 128),
        }
        self._max_words, self._seed = int(max_words), int(seed)
        self._options = dict(
            batch_size=batch_size, max_length=max_length, device=device,
            schema_path=schema_path, epochs=epochs, learning_rate=learning_rate, seed=seed,
        )  # fmt: skip
        schema_file = Path(schema_path) if schema_path else Repository.find().schema_file
        self._labels_for_build = load_schema(schema_file).bio_labels
        self._workdir = Path(workdir or tempfile.mkdtemp(prefix="warta-scratch-"))
        # an untrained model of the configured size, until train() builds one from the train split
        folder = build_bert(
            self._workdir / "untrained", vocabulary([], 0), self._labels_for_build, self._size, seed
        )
        super().__init__(str(folder), **self._options)

    def training_data(self) -> list[str]:
        return ["none besides the Warta gold it is trained on (built from scratch)"]

    def train(self, gold: TrainingGold) -> None:
        sentences = gold.sentences()
        if not sentences:
            return
        words = vocabulary([s.text for s in sentences], self._max_words)
        folder = build_bert(
            self._workdir / "built", words, self._labels_for_build, self._size, self._seed
        )
        super().__init__(str(folder), **self._options)
        super().train(gold)
        self._version = self._version.replace("transformers-built", "transformers_scratch", 1)
