"""utils.checks.autoencoders: the low-rank (PCA) error, the number of components, slerp, the half-grey curve, the
least-MSE image."""

import pytest
import torch

from utils.checks.autoencoders import (
    _slerp_reference,
    check_half_grey_curve,
    check_low_rank_mse,
    check_mse_optimum,
    check_pca_components,
    check_slerp,
)


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
    checked = _slerp_reference(a, b, 5)  # and so does the one check_slerp compares answers with
    assert torch.allclose(checked.norm(dim=1), torch.ones(5)) and torch.allclose(checked, path, atol=1e-6)


@pytest.mark.parametrize(("func", "message"), [
    (lambda a, b, steps: torch.stack([torch.lerp(a, b, w) for w in torch.linspace(0, 1, steps).tolist()]),
     "do not follow the slerp formula"),
    (lambda a, b, steps: right_slerp(b, a, steps), "start at a"),
    (lambda a, b, steps: right_slerp(a, b, steps)[1:], "expected a tensor shaped (5, 4)"),
    (lambda a, b, steps: [a, b], "got list"),
])
def test_check_slerp_explains_wrong_answers(func, message, capsys):
    assert not check_slerp(func, name="slerp")
    out = capsys.readouterr().out
    assert "❌ slerp:" in out and message in out


def test_check_slerp_without_an_answer(capsys):
    assert not check_slerp(...)
    assert "no answer yet" in capsys.readouterr().out


def test_check_slerp_on_the_untouched_stub_says_no_answer_yet_not_a_cross(capsys):
    def slerp(z_a, z_b, steps):
        ...  # chapter 3's stub, run as it is

    def not_written(z_a, z_b, steps):
        raise NotImplementedError

    for stub in (slerp, not_written):
        assert not check_slerp(stub)
        out = capsys.readouterr().out
        assert out.startswith("⏳") and "no answer yet" in out and "❌" not in out


def _pca_psnr_per_k(train, test):
    """Test PSNR of PCA with k = 1..D components fitted on train (the reference the check must match)."""
    flat = train.flatten(1).double()
    centred_train = flat - flat.mean(0)
    _, _, vh = torch.linalg.svd(centred_train, full_matrices=False)
    centred = test.flatten(1).double() - flat.mean(0)
    return [10 * torch.log10(1 / torch.mean((centred - centred @ vh[:k].T @ vh[:k]) ** 2)).item()
            for k in range(1, vh.shape[0] + 1)]


def _pca_case():
    generator = torch.Generator().manual_seed(1)
    scales = torch.linspace(1.0, 0.05, 12)
    train = torch.randn(300, 12, generator=generator) * scales * 0.1 + 0.5
    test = torch.randn(100, 12, generator=generator) * scales * 0.1 + 0.5
    return train, test


def test_check_pca_components_accepts_the_smallest_k_and_rejects_its_neighbours(capsys):
    train, test = _pca_case()
    psnr = _pca_psnr_per_k(train, test)
    target = (psnr[5] + psnr[6]) / 2  # reached first with k = 7
    assert check_pca_components(7, train, test, target) is not False
    assert bool(check_pca_components(7, train, test, target))
    assert "correct" in capsys.readouterr().out
    assert not check_pca_components(6, train, test, target)  # counted from 0
    assert "too low" in capsys.readouterr().out
    assert not check_pca_components(8, train, test, target)
    assert "too high" in capsys.readouterr().out


def _first_k(psnr_per_k, target):
    return next(k for k, p in enumerate(psnr_per_k, 1) if p >= target)


@pytest.mark.parametrize("mistake", ["fitted on the test set", "not centred"])
def test_check_pca_components_rejects_pca_fitted_on_the_test_set_or_without_centring(mistake):
    train, test = _pca_case()
    if mistake == "fitted on the test set":
        target, wrong_curve = 29.6, _pca_psnr_per_k(test, test)
    else:
        basis = torch.linalg.svd(train.double(), full_matrices=False)[2]
        target = 34.5
        wrong_curve = [10 * torch.log10(1 / torch.mean((test.double() - test.double() @ basis[:k].T
                                                         @ basis[:k]) ** 2)).item() for k in range(1, 13)]
    right, wrong = _first_k(_pca_psnr_per_k(train, test), target), _first_k(wrong_curve, target)
    assert wrong != right  # the case separates the mistake from the right answer
    assert bool(check_pca_components(right, train, test, target))
    assert not check_pca_components(wrong, train, test, target)


def test_check_pca_components_without_an_answer_or_with_a_float(capsys):
    train, test = _pca_case()
    assert not check_pca_components(..., train, test, 20.0)
    assert "no answer yet" in capsys.readouterr().out
    assert not check_pca_components(7.5, train, test, 20.0)
    assert "whole number" in capsys.readouterr().out


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


def _digit_pairs():
    """Ten pairs of 'digits': a vertical and a horizontal bar of ink 1 with grey edges, overlapping in the middle."""
    x_a, x_b = torch.zeros(10, 1, 8, 8), torch.zeros(10, 1, 8, 8)
    x_a[:, :, :, 3:5], x_b[:, :, 3:5, :] = 1.0, 1.0
    x_a[:, :, :, 2] = torch.linspace(0.3, 0.6, 10).view(10, 1, 1)  # a grey edge, different in every image
    x_b[:5, :, 6, :] = 0.5  # half the second images have a grey line
    return x_a, x_b


def _right_curve(x_a, x_b, steps=11):
    curve = []
    for t in torch.linspace(0, 1, steps).tolist():
        faded = (1 - t) * x_a + t * x_b
        ink = faded > 0.25
        curve.append((((faded < 0.75) & ink).sum(dim=(1, 2, 3)) / ink.sum(dim=(1, 2, 3)).clamp(min=1)).mean())
    return torch.stack(curve)


def test_check_half_grey_curve_accepts_the_curve_as_a_tensor_or_a_list(capsys):
    x_a, x_b = _digit_pairs()
    curve = _right_curve(x_a, x_b)
    assert curve[5] > curve[0] + 0.3 and torch.allclose(curve[3:8], curve[5].expand(5), atol=0.1)  # the plateau
    assert check_half_grey_curve(curve, x_a, x_b)
    assert check_half_grey_curve(curve.tolist(), x_a, x_b)
    assert "✅ half_grey_curve: correct." in capsys.readouterr().out


def _pooled(x_a, x_b):
    shares = []
    for t in torch.linspace(0, 1, 11).tolist():
        faded = (1 - t) * x_a + t * x_b
        shares.append(((faded > 0.25) & (faded < 0.75)).sum() / (faded > 0.25).sum())
    return torch.stack(shares)


@pytest.mark.parametrize(("mistake", "message"), [
    ("percent", "percentages"),
    ("pooled", "pooled together"),
    ("reversed t", "should be"),
    ("ten steps", "expected 11 numbers"),
    ("not numbers", "expected 11 numbers, got str"),
])
def test_check_half_grey_curve_explains_the_plausible_mistakes(mistake, message, capsys):
    x_a, x_b = _digit_pairs()
    curve = _right_curve(x_a, x_b)
    answer = {"percent": 100 * curve, "pooled": _pooled(x_a, x_b), "reversed t": curve.flip(0),
              "ten steps": curve[:10], "not numbers": "plateau"}[mistake]
    assert not check_half_grey_curve(answer, x_a, x_b)
    out = capsys.readouterr().out
    assert out.startswith("❌") and message in out


def test_check_half_grey_curve_without_an_answer(capsys):
    x_a, x_b = _digit_pairs()
    assert not check_half_grey_curve(..., x_a, x_b)
    out = capsys.readouterr().out
    assert out.startswith("⏳") and "no answer yet" in out
