"""Fine-tuning a token-classification checkpoint on tagged sentences, with model selection.

The training gold comes as ``TaggedSentence``s (Warta's tokens as words); each word's label goes
on its first sub-token, the others are ignored by the loss (-100), as the transformers token
classification examples do. After each epoch a selection function scores the model (on the
validation split) and the best epoch's weights are kept; with no selection, the last epoch's.
Seeded: the same sentences, settings and seed give the same weights on the same machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from warta.corpus.conll import TaggedSentence, bio_from_spans

IGNORED = -100


@dataclass(frozen=True)
class FineTuning:
    epochs: int
    learning_rate: float
    batch_size: int
    max_length: int
    seed: int


def encode_batch(tokenizer, sentences: list[TaggedSentence], label_ids: dict, max_length: int):
    """Inputs and aligned label ids of a batch of tagged sentences."""
    import torch

    encoding = tokenizer(
        [s.tokens for s in sentences],
        is_split_into_words=True,
        truncation=True,
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    labels = []
    for row, sentence in enumerate(sentences):
        tags = bio_from_spans(sentence.starts, sentence.ends, sentence.spans)
        seen: set[int] = set()
        aligned = []
        for word in encoding.word_ids(row):
            if word is None or word in seen:
                aligned.append(IGNORED)
            else:
                seen.add(word)
                aligned.append(label_ids.get(tags[word], label_ids["O"]))
        labels.append(aligned)
    encoding["labels"] = torch.tensor(labels)
    return encoding


def fine_tune(
    model,
    tokenizer,
    sentences: list[TaggedSentence],
    label_ids: dict[str, int],
    settings: FineTuning,
    select: Callable[[], float] | None = None,
) -> list[dict]:
    """Train ``model`` in place; returns one log line per epoch (loss, selection score)."""
    import copy

    import torch

    torch.manual_seed(settings.seed)
    order = torch.Generator().manual_seed(settings.seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate)
    log, best, best_state = [], None, None
    for epoch in range(settings.epochs):
        model.train()
        total = 0.0
        indices = torch.randperm(len(sentences), generator=order).tolist()
        for first in range(0, len(sentences), settings.batch_size):
            batch = [sentences[i] for i in indices[first : first + settings.batch_size]]
            loss = model(**encode_batch(tokenizer, batch, label_ids, settings.max_length)).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.detach().item()
        model.eval()
        score = select() if select else None
        log.append({"epoch": epoch + 1, "loss": round(total, 6), "selection": score})
        if select is None or best is None or score > best:
            best, best_state = score, copy.deepcopy(model.state_dict())
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return log
