"""Tests of the exercise check added for chapter 5 (the single image with the least squared error)."""

import torch

from utils.checks import check_mse_optimum


def _targets():
    return torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4) / 100


def test_check_mse_optimum_accepts_the_optimum(capsys):
    targets = _targets()
    assert check_mse_optimum(targets.mean(0), targets)
    assert "✅ image: correct." in capsys.readouterr().out


def test_check_mse_optimum_says_how_far_off_an_answer_is(capsys):
    targets = _targets()
    assert not check_mse_optimum(targets[0], targets)
    out = capsys.readouterr().out
    assert "above the smallest possible" in out and "❌" in out


def test_check_mse_optimum_rejects_missing_and_malformed_answers(capsys):
    targets = _targets()
    assert not check_mse_optimum(..., targets)
    assert "no answer yet" in capsys.readouterr().out
    assert not check_mse_optimum(None, targets)
    assert "no answer yet" in capsys.readouterr().out
    assert not check_mse_optimum([[0.0]], targets)
    assert "expected a torch.Tensor" in capsys.readouterr().out
    assert not check_mse_optimum(targets, targets, name="blur")
    assert "blur: wrong shape (2, 3, 4, 4)" in capsys.readouterr().out
