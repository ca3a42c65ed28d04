"""utils.metrics: PSNR in dB."""

import math

import pytest
import torch

from utils.metrics import psnr_db, psnr_from_mse


def test_psnr_of_known_errors():
    target = torch.zeros(2, 1, 4, 4)
    assert psnr_db(target + 0.1, target) == pytest.approx(20.0)
    assert psnr_db(target, target) == math.inf
    assert psnr_from_mse(0.01) == pytest.approx(20.0)
    assert psnr_from_mse(0.25, max_value=2.0) == pytest.approx(10 * math.log10(16))


def test_psnr_errors():
    with pytest.raises(ValueError, match="differ in shape"):
        psnr_db(torch.zeros(2, 2), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="cannot be negative"):
        psnr_from_mse(-1.0)
