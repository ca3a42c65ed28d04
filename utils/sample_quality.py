"""A yardstick for generated MNIST digits (chapters 8 and 9): a digit classifier judges the samples.

``judge = digit_judge(run, train_images, train_labels)`` trains a small CNN (or, with ``pretrained=True`` or
``COURSE_PRETRAINED=1``, loads chapter 8's weights). ``rate_samples(judge, images, real_features)`` then gives
the share of images it classifies confidently, how evenly the ten digits appear (entropy in bits), and, given
the features of real digits, precision and recall (Kynkäänniemi et al., 2019).
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from utils.pretrained import train_or_load
from utils.progress import progress

__all__ = ["DigitJudge", "digit_judge", "judge_accuracy", "judge_outputs", "confident_share",
           "class_entropy_bits", "precision_recall", "rate_samples", "half_grey_share"]

JUDGE_NAME = "ch08_digit_judge"  # chapter 8 trains and publishes it; chapter 9 reuses it


class DigitJudge(nn.Module):
    """A small CNN digit classifier: (B, 1, 28, 28) in [0, 1] -> logits (B, 10); ``features`` gives the
    64 activations before its last layer, the feature space of ``precision_recall`` (chapters 8 and 9)."""

    def __init__(self, features=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # -> (B, 16, 14, 14)
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # -> (B, 32, 7, 7)
            nn.Flatten(), nn.Linear(32 * 7 * 7, features), nn.ReLU(),     # -> (B, features)
        )
        self.head = nn.Linear(features, 10)                               # -> (B, 10) logits

    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))


def _train_judge(judge, images, labels, epochs, batch_size, seed):
    """Adam with a one-cycle schedule (peak 3e-3) over ``images`` in a seeded order; return the history."""
    started = time.perf_counter()
    steps = epochs * math.ceil(len(images) / batch_size)
    optimizer = torch.optim.Adam(judge.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    history = {"loss": []}
    judge.train()
    for _ in progress(range(epochs), desc="digit judge"):
        order = torch.randperm(len(images), generator=generator).to(images.device)
        total = torch.zeros((), device=images.device)
        for start in range(0, len(images), batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(judge(images[batch]), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.detach() * len(batch)
        history["loss"].append((total / len(images)).item())
    history["train_s"] = time.perf_counter() - started
    history["device"] = str(images.device)
    return history


def digit_judge(run, train_images, train_labels, pretrained=None, epochs=3, batch_size=128):
    """Return the digit judge in eval mode on ``run.device``: trained here on the labelled digits (seeded,
    about 40 s on a 2-core CPU for all of MNIST), or chapter 8's published weights (``pretrained``, default
    ``COURSE_PRETRAINED``), loaded through ``utils.pretrained.train_or_load``."""
    _check_images(train_images, "train_images")
    if len(train_labels) != len(train_images):
        raise ValueError(f"{len(train_images)} images but {len(train_labels)} labels: give one label each.")
    with torch.random.fork_rng(devices=[]):  # the same initial weights whatever ran before
        torch.manual_seed(run.seed)
        judge = DigitJudge().to(run.device)
    images, labels = train_images.to(run.device), train_labels.to(run.device)
    train_or_load(run, JUDGE_NAME, judge,
                  lambda: _train_judge(judge, images, labels, epochs, batch_size, run.seed),
                  pretrained=pretrained)
    return judge.eval()


def _check_images(images, name="images"):
    """Raise a ValueError that says what to do unless ``images`` is (B, 1, 28, 28) with values in [0, 1]."""
    if not torch.is_tensor(images) or images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        shape = tuple(images.shape) if torch.is_tensor(images) else type(images).__name__
        raise ValueError(f"{name} must be a tensor of MNIST-sized images (B, 1, 28, 28), got {shape}; "
                         "reshape with images.view(-1, 1, 28, 28).")
    if len(images) == 0:
        raise ValueError(f"{name} is empty: give at least one image.")
    low, high = images.min().item(), images.max().item()
    if low < 0 or high > 1 or math.isnan(low + high):
        raise ValueError(f"{name} must have pixels in [0, 1] like MNIST, got values from {low:.3g} to "
                         f"{high:.3g}: pass probabilities (after the sigmoid), not logits or [-1, 1] images.")


@torch.no_grad()
def judge_outputs(judge, images, batch_size=2_000):
    """Return the judge's class probabilities (N, 10) and features (N, F) for ``images``, on the CPU."""
    _check_images(images)
    judge.eval()
    device = next(judge.parameters()).device
    probabilities, features = [], []
    for start in range(0, len(images), batch_size):
        h = judge.features(images[start:start + batch_size].to(device))
        probabilities.append(judge.head(h).softmax(1).cpu())
        features.append(h.cpu())
    return torch.cat(probabilities), torch.cat(features)


def judge_accuracy(judge, images, labels) -> float:
    """Return the share of ``images`` that the judge classifies as their ``labels``."""
    probabilities, _ = judge_outputs(judge, images)
    return (probabilities.argmax(1) == labels.cpu()).float().mean().item()


def confident_share(probabilities, threshold=0.9) -> float:
    """Return the share of images whose largest class probability is at least ``threshold``."""
    if probabilities.dim() != 2 or probabilities.min() < 0 or not torch.allclose(
            probabilities.sum(1), torch.ones(len(probabilities), dtype=probabilities.dtype), atol=1e-3):
        raise ValueError("confident_share needs probabilities (N, classes), each row summing to 1: "
                         "apply .softmax(1) to logits first.")
    return (probabilities.amax(1) >= threshold).float().mean().item()


def class_entropy_bits(predicted, classes=10) -> float:
    """Return the entropy in bits of the histogram of predicted classes: log2(classes) when all classes appear
    equally often (3.32 for ten), 0 when only one does."""
    predicted = torch.as_tensor(predicted)
    if predicted.dim() != 1 or predicted.is_floating_point() or len(predicted) == 0:
        raise ValueError("class_entropy_bits needs a non-empty 1-D tensor of class indices "
                         "(e.g. probabilities.argmax(1)), not probabilities.")
    if predicted.min() < 0 or predicted.max() >= classes:
        raise ValueError(f"class indices must lie in 0..{classes - 1}.")
    p = torch.bincount(predicted.cpu(), minlength=classes).double() / len(predicted)
    p = p[p > 0]
    return max(0.0, -(p * p.log2()).sum().item())


def _kth_neighbour_radius(features, k, chunk):
    """Distance from each row of ``features`` to its k-th nearest other row (N,), in chunks of rows."""
    radii = [torch.cdist(features[i:i + chunk], features).topk(k + 1, dim=1, largest=False).values[:, k]
             for i in range(0, len(features), chunk)]
    return torch.cat(radii)


def _share_inside(queries, centres, radii, chunk):
    """Share of ``queries`` that lie within the radius of at least one of the ``centres``."""
    inside = [(torch.cdist(queries[i:i + chunk], centres) <= radii).any(1)
              for i in range(0, len(queries), chunk)]
    return torch.cat(inside).float().mean().item()


@torch.no_grad()
def precision_recall(real_features, fake_features, k=3, chunk=1_000) -> tuple[float, float]:
    """Improved precision and recall (Kynkäänniemi et al., 2019): precision is the share of fakes inside the
    real features' k-nearest-neighbour balls, recall the share of reals inside the fakes' balls."""
    for name, f in (("real_features", real_features), ("fake_features", fake_features)):
        if f.dim() != 2 or len(f) <= k:
            raise ValueError(f"{name} must be a (N, F) tensor with more than k={k} rows, got "
                             f"{tuple(f.shape)}.")
    if real_features.shape[1] != fake_features.shape[1]:
        raise ValueError(f"real and fake features differ in width ({real_features.shape[1]} vs "
                         f"{fake_features.shape[1]}): compute both with the same judge.")
    real, fake = real_features.float(), fake_features.float()
    real_radii = _kth_neighbour_radius(real, k, chunk)
    fake_radii = _kth_neighbour_radius(fake, k, chunk)
    return _share_inside(fake, real, real_radii, chunk), _share_inside(real, fake, fake_radii, chunk)


def rate_samples(judge, images, real_features=None, threshold=0.9, k=3) -> dict:
    """Rate ``images`` with the judge: ``confident_share``, ``class_entropy_bits`` and, given the features of
    real digits (``judge_outputs(judge, real)[1]``), ``precision`` and ``recall``."""
    probabilities, features = judge_outputs(judge, images)
    rating = {"confident_share": confident_share(probabilities, threshold),
              "class_entropy_bits": class_entropy_bits(probabilities.argmax(1))}
    if real_features is not None:
        rating["precision"], rating["recall"] = precision_recall(real_features.cpu(), features, k)
    return rating


def half_grey_masks(images, inked=0.25, full=0.75):
    """The pixels with ink (> ``inked``) and, of those, the ones only half inked (< ``full``): two bool tensors."""
    ink = images > inked
    return ink, ink & (images < full)


def half_grey_per_image(images, inked=0.25, full=0.75) -> torch.Tensor:
    """Each image's share of half-inked pixels among its inked ones, (N,): chapter 3's per-image measure."""
    ink, half = half_grey_masks(images, inked, full)
    return half.flatten(1).sum(1) / ink.flatten(1).sum(1).clamp(min=1)


def half_grey_share(images, inked=0.25, full=0.75) -> float:
    """Of all pixels with ink (> ``inked``), the share only half inked (< ``full``): chapter 3's measure of
    soft, blurred strokes (real MNIST digits have crisp strokes, grey only at their edges)."""
    _check_images(images)
    ink, half = half_grey_masks(images, inked, full)
    return half.sum().item() / max(1, ink.sum().item())
