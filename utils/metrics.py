"""Image-quality numbers the chapters report (introduced in chapter 2)."""

from __future__ import annotations

import math

import torch


def psnr_db(prediction: torch.Tensor, target: torch.Tensor, max_value: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB over the whole batch: 10·log10(max² / MSE), pixels in [0, max]."""
    if prediction.shape != target.shape:
        raise ValueError(f"prediction {tuple(prediction.shape)} and target {tuple(target.shape)} differ in shape.")
    mse = torch.mean((prediction.detach().float() - target.detach().float()) ** 2).item()
    return psnr_from_mse(mse, max_value)


def psnr_from_mse(mse: float, max_value: float = 1.0) -> float:
    """Convert a mean squared error (pixels in [0, max]) into PSNR in dB."""
    if mse < 0:
        raise ValueError(f"A mean squared error cannot be negative, got {mse}.")
    return math.inf if mse == 0 else 10 * math.log10(max_value**2 / mse)
