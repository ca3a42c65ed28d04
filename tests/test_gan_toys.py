"""utils.gan_toys: the ring of Gaussians, mode coverage, the grid a decision surface is drawn on, quantising."""

import math

import pytest
import torch
from torch import nn

from utils.gan_toys import grid_points, grid_values, mode_coverage, quantise, ring_centres, ring_samples


def test_ring_centres_lie_evenly_on_the_circle():
    centres = ring_centres(8, 2.0)
    assert centres.shape == (8, 2) and torch.allclose(centres.norm(dim=1), torch.full((8,), 2.0))
    assert torch.allclose(centres[0], torch.tensor([2.0, 0.0])) and torch.allclose(centres[2], torch.tensor([0.0, 2.0]),
                                                                                   atol=1e-6)
    gaps = (centres - centres.roll(1, 0)).norm(dim=1)
    assert torch.allclose(gaps, torch.full((8,), 2 * 2.0 * math.sin(math.pi / 8)))
    with pytest.raises(ValueError, match="at least one mode"):
        ring_centres(0)


def test_ring_samples_are_reproducible_and_spread_over_every_mode():
    first = ring_samples(4000, generator=torch.Generator().manual_seed(0))
    again = ring_samples(4000, generator=torch.Generator().manual_seed(0))
    assert first.shape == (4000, 2) and torch.equal(first, again)
    distance, nearest = torch.cdist(first, ring_centres()).min(1)
    assert distance.mean() == pytest.approx(0.05 * math.sqrt(math.pi / 2), rel=0.05)  # Rayleigh mean
    shares = torch.bincount(nearest, minlength=8) / 4000
    assert shares.min() > 0.1 and shares.max() < 0.15


def test_real_samples_cover_every_mode_with_almost_all_samples_near_one():
    score = mode_coverage(ring_samples(2000, generator=torch.Generator().manual_seed(1)))
    assert score["modes_covered"] == 8 and score["high_quality_share"] > 0.98
    assert sum(score["per_mode"]) == pytest.approx(score["high_quality_share"])


def test_a_collapsed_generator_covers_one_mode_and_noise_covers_none():
    centres = ring_centres()
    collapsed = centres[3] + 0.01 * torch.randn(500, 2, generator=torch.Generator().manual_seed(2))
    score = mode_coverage(collapsed)
    assert score["modes_covered"] == 1 and score["high_quality_share"] == 1.0 and score["per_mode"][3] == 1.0
    blob = 0.3 * torch.randn(500, 2, generator=torch.Generator().manual_seed(3))  # around the centre, off the ring
    assert mode_coverage(blob) == {"high_quality_share": 0.0, "modes_covered": 0, "per_mode": [0.0] * 8}


def test_a_mode_with_too_few_samples_is_not_covered():
    centres = ring_centres()
    points = torch.cat([centres[0].expand(995, 2), centres[1].expand(5, 2)])  # 0.5 % at mode 1
    assert mode_coverage(points)["modes_covered"] == 1
    assert mode_coverage(points, min_share=0.005)["modes_covered"] == 2


def test_mode_coverage_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        mode_coverage(torch.zeros(10, 3))
    with pytest.raises(ValueError, match="non-empty"):
        mode_coverage(torch.zeros(0, 2))


def test_grid_points_run_like_image_pixels():
    points = grid_points(3.0, 4)
    assert points.shape == (16, 2)
    assert torch.allclose(points[0], torch.tensor([-2.25, 2.25]))
    assert torch.allclose(points[3], torch.tensor([2.25, 2.25]))
    assert torch.allclose(points[-1], torch.tensor([2.25, -2.25]))


def test_grid_values_put_the_top_of_the_plane_in_the_first_row():
    net = nn.Linear(2, 1)
    with torch.no_grad():
        net.weight.copy_(torch.tensor([[0.0, 10.0]]))  # D(x) high where y is large
        net.bias.zero_()
    surface = grid_values(net, extent=3.0, resolution=6)
    assert surface.shape == (6, 6) and surface.min() >= 0 and surface.max() <= 1
    assert (surface[0] > 0.99).all() and (surface[-1] < 0.01).all()


def test_quantise_maps_the_range_onto_bytes_and_clips():
    q = quantise(torch.tensor([-3.0, 0.0, 3.0, 5.0, -9.0]), -3, 3)
    assert q.dtype == torch.uint8 and q.tolist() == [0, 128, 255, 255, 0]
    with pytest.raises(ValueError, match="low < high"):
        quantise(torch.zeros(2), 1, 1)
