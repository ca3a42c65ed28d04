"""utils.checks, chapter 7: the early-fusion check."""

import torch

from utils.checks import check_early_fusion


def verdict(capsys):
    return capsys.readouterr().out.strip()


def right(image, table):
    planes = table[:, :, None, None].expand(-1, -1, *image.shape[2:])
    return torch.cat([image, planes], dim=1)


def test_check_early_fusion_accepts_a_right_answer(capsys):
    assert check_early_fusion(right) and verdict(capsys) == "✅ early_fusion: correct."
    assert check_early_fusion(lambda i, t: right(i, t).contiguous(), name="mine")
    assert verdict(capsys) == "✅ mine: correct."


def test_check_early_fusion_unanswered_and_not_a_tensor(capsys):
    def stub(image, table):
        ...

    assert not check_early_fusion(stub) and "no answer yet" in verdict(capsys)
    assert not check_early_fusion(lambda i, t: right(i, t).tolist()) and "got list" in verdict(capsys)


def test_check_early_fusion_names_what_is_wrong(capsys):
    assert not check_early_fusion(lambda i, t: torch.cat([t[:, :, None, None].expand(-1, -1, *i.shape[2:]), i], 1))
    assert "first 1 channel(s) should be the image" in verdict(capsys)
    assert not check_early_fusion(lambda i, t: i)
    assert "has shape (2, 1, 28, 28), not (2, 11, 28, 28)" in verdict(capsys)
    assert not check_early_fusion(lambda i, t: right(i, t.flip(0)))  # rows of the wrong example
    assert "channel 1 of example 0 should be a constant plane filled with column 0" in verdict(capsys)
    shifted = lambda i, t: right(i, t)[:, :, :, :].index_fill(1, torch.tensor([3]), 0.0)
    assert not check_early_fusion(shifted) and "channel 3 of example 0" in verdict(capsys)
