"""The 2-D game of chapter 9: a ring of Gaussians, how many of its modes a generator covers, and a network's
output over a grid of the plane (the discriminator's decision surface).

``ring_centres()`` and ``ring_samples(n, generator=g)`` give the data; ``mode_coverage(samples)`` says which share
of the samples lie near a mode and how many modes are covered; ``grid_values(net, extent, resolution)`` evaluates
a network on a grid for a figure or an explorer.
"""

from __future__ import annotations

import math

import torch

__all__ = ["ring_centres", "ring_samples", "mode_coverage", "grid_points", "grid_values", "quantise"]

MODES, RADIUS, STD = 8, 2.0, 0.05  # the chapter's ring: 8 Gaussians of std 0.05 on a circle of radius 2


def ring_centres(modes: int = MODES, radius: float = RADIUS) -> torch.Tensor:
    """The (modes, 2) centres of the ring, evenly spaced on a circle of ``radius``, the first on the x axis."""
    if modes < 1 or radius <= 0:
        raise ValueError(f"need at least one mode and a positive radius, got {modes} and {radius}.")
    angles = torch.arange(modes) * (2 * math.pi / modes)
    return radius * torch.stack([angles.cos(), angles.sin()], 1)


def ring_samples(n: int, modes: int = MODES, radius: float = RADIUS, std: float = STD,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` points (n, 2) from the equal mixture of ``modes`` Gaussians of standard deviation ``std`` on the
    ring; ``generator`` makes the draw reproducible."""
    which = torch.randint(modes, (n,), generator=generator)
    return ring_centres(modes, radius)[which] + std * torch.randn(n, 2, generator=generator)


@torch.no_grad()
def mode_coverage(samples: torch.Tensor, centres: torch.Tensor | None = None, std: float = STD,
                  min_share: float = 0.01) -> dict:
    """Score 2-D samples against the ring: a sample is *high quality* when it lies within 3 ``std`` of its
    nearest centre; a mode is *covered* when at least ``min_share`` of all samples are high-quality samples of
    it. Returns ``high_quality_share``, ``modes_covered`` and ``per_mode`` (the share of samples at each mode)."""
    centres = ring_centres() if centres is None else centres
    samples = torch.as_tensor(samples, dtype=centres.dtype)
    if samples.dim() != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"samples must be a non-empty (N, 2) tensor of points, got {tuple(samples.shape)}.")
    distance, nearest = torch.cdist(samples, centres).min(1)
    good = distance <= 3 * std
    per_mode = torch.bincount(nearest[good], minlength=len(centres)).double() / len(samples)
    return {"high_quality_share": good.double().mean().item(),
            "modes_covered": int((per_mode >= min_share).sum()), "per_mode": per_mode.tolist()}


def grid_points(extent: float, resolution: int) -> torch.Tensor:
    """The (resolution², 2) centres of a square grid over [-extent, extent]², row by row from the top (largest
    y) down, each row from left to right: the order of an image's pixels."""
    step = 2 * extent / resolution
    centres = -extent + step * (torch.arange(resolution) + 0.5)
    y, x = torch.meshgrid(centres.flip(0), centres, indexing="ij")
    return torch.stack([x.reshape(-1), y.reshape(-1)], 1)


@torch.no_grad()
def grid_values(net: torch.nn.Module, extent: float = 3.0, resolution: int = 40) -> torch.Tensor:
    """``sigmoid(net(x))`` on ``grid_points(extent, resolution)``, as a (resolution, resolution) image whose
    first row is the top of the plane: the discriminator's D(x) over the plane."""
    device = next(net.parameters()).device
    logits = net(grid_points(extent, resolution).to(device)).reshape(resolution, resolution)
    return torch.sigmoid(logits).cpu()


def quantise(values: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """``values`` mapped linearly from [low, high] to the bytes 0..255 (clipped), as uint8: compact frames."""
    if not high > low:
        raise ValueError(f"need low < high, got {low} and {high}.")
    scaled = (torch.as_tensor(values, dtype=torch.float32) - low) / (high - low) * 255
    return scaled.round().clamp(0, 255).to(torch.uint8)
