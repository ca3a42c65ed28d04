"""Chapter 2's convolutional autoencoder, its validation split and its training recipe, promoted so that
chapter 3 reuses them.

Every definition here is the code of a cell of ``notebooks/02_mnist_autoencoder.ipynb``, where it is
taught; ``tests/test_autoencoders.py`` keeps the two identical (d2l's ``#@save`` idea).
"""

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from utils.settings import progress

__all__ = ["hold_out", "ConvAutoencoder", "terms_per_output", "he_init", "reconstruct", "train_one_epoch", "fit"]


def hold_out(images, labels, count, seed=0):
    """Split ``count`` random images and their labels off as a validation set, drawn
    with a generator of its own: return (train, train_labels, valid, valid_labels)."""
    generator = torch.Generator().manual_seed(seed)
    held = torch.zeros(len(images), dtype=torch.bool)
    held[torch.randperm(len(images), generator=generator)[:count]] = True
    return images[~held], labels[~held], images[held], labels[held]


class ConvAutoencoder(nn.Module):
    """Chapter 2's convolutional autoencoder, a common lecture architecture:
    (B, 1, 28, 28) -> code (B, code_size, 1, 1) -> (B, 1, 28, 28)."""

    def __init__(self, code_size=64):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),   # -> (B, 16, 14, 14)
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),  # -> (B, 32, 7, 7)
            nn.Conv2d(32, code_size, 7),                           # -> (B, code, 1, 1)
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(code_size, 32, 7), nn.ReLU(),       # -> (B, 32, 7, 7)
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1),
            nn.ReLU(),                                             # -> (B, 16, 14, 14)
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),
            nn.Sigmoid(),                                          # -> (B, 1, 28, 28)
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


@torch.no_grad()
def terms_per_output(layer, x):
    """How many weight-times-input products ``layer`` sums into one output value for
    inputs shaped like ``x``, averaged over the output positions: its real fan-in."""
    counter = copy.deepcopy(layer)
    nn.init.ones_(counter.weight)
    nn.init.zeros_(counter.bias)
    return counter(torch.ones_like(x[:1])).mean().item()


@torch.no_grad()
def he_init(model, example):
    """He-normal weights, std sqrt(2 / n) with n counted by ``terms_per_output`` on the
    input each layer gets from ``example``, and zero biases."""
    x = example
    for layer in [*model.encoder, *model.decoder]:
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            n = terms_per_output(layer, x)
            nn.init.normal_(layer.weight, std=math.sqrt(2 / n))
            nn.init.zeros_(layer.bias)
        x = layer(x)
    return model


@torch.no_grad()
def reconstruct(model, images, batch_size=2_000):
    """Run ``images`` through the model in evaluation mode, in large batches."""
    model.eval()
    starts = range(0, len(images), batch_size)
    return torch.cat([model(images[i:i + batch_size]) for i in starts])


def train_one_epoch(model, optimizer, scheduler, data, batch_size, generator):
    """One pass over ``data`` (kept on the device) in a random order; return the
    mean loss over the epoch's batches (a 0-d tensor, still on the device)."""
    model.train()
    order = torch.randperm(len(data), generator=generator).to(data.device)
    total = torch.zeros((), device=data.device)
    for start in range(0, len(data), batch_size):
        batch = data[order[start:start + batch_size]]
        loss = F.mse_loss(model(batch), batch)  # the target is the input itself
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        total += loss.detach() * len(batch)
    return total / len(data)


def fit(model, train, valid, epochs, batch_size, max_lr, watch=None, watch_epochs=(),
        seed=0):
    """Train with Adam and a one-cycle schedule; return the per-epoch train and
    validation losses and the reconstructions of ``watch`` after ``watch_epochs``."""
    steps = epochs * math.ceil(len(train) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=max_lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr,
                                                    total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    history, snapshots = {"train": [], "valid": []}, {}
    bar = progress(range(1, epochs + 1), desc="training")
    for epoch in bar:
        train_loss = train_one_epoch(model, optimizer, scheduler, train, batch_size,
                                     generator)
        valid_loss = F.mse_loss(reconstruct(model, valid), valid)
        losses = torch.stack([train_loss, valid_loss]).tolist()  # one transfer
        for name, value in zip(history, losses):
            history[name].append(value)
        bar.set_postfix(train_mse=f"{losses[0]:.4f}", valid_mse=f"{losses[1]:.4f}",
                        refresh=False)  # shown at the next update, not every epoch
        if epoch in watch_epochs:
            snapshots[f"after epoch {epoch}"] = reconstruct(model, watch).cpu()
    return history, snapshots
