"""Tests of the exercise checks added for chapters 2 and 3 (output_padding, low-rank error, slerp)."""

import pytest
import torch

from utils.checks import check_low_rank_mse, check_output_padding, check_slerp


def right_output_padding(h_in, h_out, kernel, stride, padding):
    output_padding = h_out - ((h_in - 1) * stride - 2 * padding + kernel)
    return output_padding if 0 <= output_padding < stride else None


def test_check_output_padding_accepts_the_rule(capsys):
    assert check_output_padding(right_output_padding)
    assert "✅ right_output_padding: correct." in capsys.readouterr().out


def test_check_output_padding_rejects_wrong_and_missing_answers(capsys):
    forgets_impossible = lambda h_in, h_out, k, s, p: h_out - ((h_in - 1) * s - 2 * p + k)
    assert not check_output_padding(forgets_impossible, name="op")
    assert "❌ op: op(7, 15, 3, 2, 1) returned 2" in capsys.readouterr().out
    def stub(h_in, h_out, kernel, stride, padding): ...
    assert not check_output_padding(stub)
    assert "no answer yet" in capsys.readouterr().out
    assert not check_output_padding(...)
    assert "no answer yet" in capsys.readouterr().out


def _data():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(200, 3, generator=generator) * torch.tensor([3.0, 1.0, 0.2]) + 5


def _pca_mse(data, rank):
    centred = data - data.mean(0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    basis = vh[:rank].T
    return torch.mean((centred - centred @ basis @ basis.T) ** 2).item()


@pytest.mark.parametrize("rank", [0, 1, 2, 3])
def test_check_low_rank_mse_accepts_the_pca_error(rank, capsys):
    assert check_low_rank_mse(_pca_mse(_data(), rank), _data(), rank)
    assert "correct" in capsys.readouterr().out


def test_check_low_rank_mse_rejects_a_worse_reconstruction(capsys):
    data = _data()
    centred = data - data.mean(0)
    drop_last_axis = torch.mean(centred[:, 2:] ** 2).item()  # the axes are nearly the principal directions
    assert not check_low_rank_mse(drop_last_axis * 1.5, data, 2, name="mse")
    assert "too high" in capsys.readouterr().out
    assert not check_low_rank_mse(..., data, 2)
    assert "no answer yet" in capsys.readouterr().out


@pytest.mark.parametrize(("data", "rank"), [(torch.zeros(5), 1), (torch.zeros(5, 3), 4), (torch.zeros(5, 3), -1)])
def test_check_low_rank_mse_rejects_bad_input(data, rank):
    with pytest.raises(ValueError, match="Expected data shaped"):
        check_low_rank_mse(0.0, data, rank)


def right_slerp(a, b, steps):
    omega = torch.arccos(torch.sum(a * b) / (a.norm() * b.norm()))
    t = torch.linspace(0, 1, steps).view(-1, *[1] * a.dim())
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def test_check_slerp_accepts_spherical_interpolation(capsys):
    assert check_slerp(right_slerp)
    assert "✅ right_slerp: correct." in capsys.readouterr().out


def test_check_slerp_keeps_the_norm_of_unit_vectors():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    path = right_slerp(a, b, 5)
    assert torch.allclose(path.norm(dim=1), torch.ones(5))  # the reference behaves as a slerp should


@pytest.mark.parametrize(("func", "message"), [
    (lambda a, b, steps: torch.stack([torch.lerp(a, b, w) for w in torch.linspace(0, 1, steps).tolist()]),
     "do not follow the slerp formula"),
    (lambda a, b, steps: right_slerp(b, a, steps), "start at a"),
    (lambda a, b, steps: right_slerp(a, b, steps)[1:], "expected a tensor shaped (5, 4)"),
    (lambda a, b, steps: None, "got NoneType"),
])
def test_check_slerp_explains_wrong_answers(func, message, capsys):
    assert not check_slerp(func, name="slerp")
    out = capsys.readouterr().out
    assert "❌ slerp:" in out and message in out


def test_check_slerp_without_an_answer(capsys):
    assert not check_slerp(...)
    assert "no answer yet" in capsys.readouterr().out
