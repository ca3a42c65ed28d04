"""Exercise checks that teach: they say whether an answer is right and, if not, what is wrong.

Each check prints a short verdict and returns True or False; none of them prints the solution.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import torch

PASS = "✅"
FAIL = "❌"


def _verdict(ok: bool, name: str, message: str = "") -> bool:
    print(f"{PASS} {name}: correct." if ok else f"{FAIL} {name}: {message}")
    return ok


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def check_tensor(answer, expected: torch.Tensor, name: str = "answer", atol: float = 1e-5,
                 rtol: float = 1e-4, check_dtype: bool = True) -> bool:
    """Compare a tensor answer with the expected one: type, shape, dtype, then values (first bad index)."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your code.")
    if not torch.is_tensor(answer):
        return _verdict(False, name, f"expected a torch.Tensor, got {type(answer).__name__}.")
    if tuple(answer.shape) != tuple(expected.shape):
        return _verdict(False, name, f"wrong shape {tuple(answer.shape)}; expected {tuple(expected.shape)}.")
    if check_dtype and answer.dtype != expected.dtype:
        return _verdict(False, name, f"wrong dtype {answer.dtype}; expected {expected.dtype}.")
    got, want = answer.detach().cpu().double(), expected.detach().cpu().double()
    bad = ~torch.isclose(got, want, atol=atol, rtol=rtol, equal_nan=True)
    if bad.any():
        index = tuple(int(i) for i in bad.nonzero()[0])
        where = index if len(index) != 1 else index[0]
        return _verdict(False, name, f"{int(bad.sum())} of {bad.numel()} values are off, the first at "
                                     f"index {where}: got {got[index].item():.4g}.")
    return _verdict(True, name)


def check_number(answer, expected: float, name: str = "answer", rel_tol: float = 1e-3,
                 abs_tol: float = 1e-6) -> bool:
    """Compare a number answer with the expected one and say whether it is too high or too low."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your number.")
    if torch.is_tensor(answer) and answer.numel() == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return _verdict(False, name, f"expected a number, got {type(answer).__name__}.")
    if math.isclose(answer, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return _verdict(True, name)
    return _verdict(False, name, f"{answer:.4g} is too {'high' if answer > expected else 'low'}.")


def check_shape(answer, expected: Sequence[int], name: str = "shape") -> bool:
    """Check a shape answer: a tensor, a torch.Size or a tuple of ints equal to ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your answer.")
    shape = tuple(answer.shape) if torch.is_tensor(answer) else tuple(answer)
    expected = tuple(expected)
    if len(shape) != len(expected):
        return _verdict(False, name, f"{len(shape)} dimensions {shape}; expected {len(expected)}.")
    wrong = [i for i, (a, b) in enumerate(zip(shape, expected)) if a != b]
    if wrong:
        return _verdict(False, name, f"{shape} differs from the expected shape in dimension {wrong[0]} "
                                     f"(got {shape[wrong[0]]}).")
    return _verdict(True, name)


def check_function(func: Callable, cases: Iterable[tuple[tuple, object]], name: str | None = None) -> bool:
    """Call ``func(*args)`` for each ``(args, expected)`` case and report the first case it gets wrong."""
    name = name or getattr(func, "__name__", "function")
    for args, expected in cases:
        result = func(*args)
        if torch.is_tensor(expected):
            same = torch.is_tensor(result) and result.shape == expected.shape and torch.allclose(
                result.double(), expected.double(), atol=1e-5)
        else:
            same = result == expected
        if not same:
            shown = ", ".join(map(repr, args))
            return _verdict(False, name, f"{name}({shown}) returned {result!r}, which is not right.")
    return _verdict(True, name)


def check_choice(answer, expected: str, options: Sequence[str], name: str = "answer") -> bool:
    """Check a multiple-choice answer (one of ``options``, case-insensitive) against ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, f"no answer yet: choose one of {', '.join(map(repr, options))}.")
    normalised = str(answer).strip().lower()
    if normalised not in [option.lower() for option in options]:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(normalised == expected.lower(), name, f"{answer!r} is not the right choice; look again.")


def check_output_shape(layer, input_shape: Sequence[int], expected: Sequence[int], name: str = "layer") -> bool:
    """Run ``layer`` on zeros of ``input_shape`` and check the output's shape (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, "no answer yet: replace the `...` with your layer.")
    if not callable(layer):
        return _verdict(False, name, f"expected a layer (a module you can call), got {type(layer).__name__}.")
    try:
        output = layer(torch.zeros(*input_shape))
    except RuntimeError as error:
        return _verdict(False, name, f"PyTorch refused the input {tuple(input_shape)}: {str(error).splitlines()[0]}")
    return check_shape(output, expected, name=f"{name} output shape")


# Checks added for chapters 2-4 (keep this line: it marks where they go).

def check_output_padding(func: Callable, name: str | None = None) -> bool:
    """Check ``func(h_in, h_out, kernel, stride, padding)``, which returns the output_padding that makes
    ``nn.ConvTranspose2d`` map size h_in to h_out (None if none can), against PyTorch's layer (chapter 2)."""
    if _unanswered(func):
        return _verdict(False, name or "function", "no answer yet: replace the `...` with your function.")
    settings = [(7, 14, 3, 2, 1), (14, 28, 3, 2, 1), (7, 13, 3, 2, 1), (1, 7, 7, 1, 0), (7, 15, 3, 2, 1),
                (4, 8, 4, 2, 1), (5, 16, 5, 3, 1), (5, 15, 5, 3, 1), (5, 10, 5, 3, 1), (3, 2, 3, 1, 1)]
    return check_function(func, [(args, _output_padding_by_trial(*args)) for args in settings], name)


def _output_padding_by_trial(h_in: int, h_out: int, kernel: int, stride: int, padding: int) -> int | None:
    """The output_padding (0 <= op < stride) for which PyTorch's ConvTranspose2d gives h_out, else None."""
    for output_padding in range(stride):
        layer = torch.nn.ConvTranspose2d(1, 1, kernel, stride, padding, output_padding)
        if layer(torch.zeros(1, 1, h_in, h_in)).shape[-1] == h_out:
            return output_padding
    return None


def check_low_rank_mse(answer, data: torch.Tensor, rank: int, name: str = "mse", rel_tol: float = 1e-3) -> bool:
    """Check the mean squared error (over all entries) of the best rank-``rank`` affine reconstruction of
    the rows of ``data`` (N, D), i.e. PCA with ``rank`` components (chapter 2)."""
    data = torch.as_tensor(data).detach().cpu().double()
    if data.dim() != 2 or not 0 <= rank <= data.shape[1]:
        raise ValueError(f"Expected data shaped (N, D) and 0 <= rank <= D, got {tuple(data.shape)} and {rank}.")
    variances = torch.linalg.eigvalsh(torch.cov(data.T, correction=0).reshape(data.shape[1], data.shape[1]))
    expected = variances[: data.shape[1] - rank].clamp(min=0).sum().item() / data.shape[1]
    return check_number(answer, expected, name=name, rel_tol=rel_tol)


def check_slerp(func: Callable, name: str | None = None) -> bool:
    """Check ``func(a, b, steps)``: spherical interpolation from code ``a`` (t=0) to ``b`` (t=1) in ``steps``
    equal angle steps, stacked into (steps, *a.shape) (chapter 3)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, "no answer yet: replace the `...` with your function.")
    generator = torch.Generator().manual_seed(3)
    for shape, steps in [((4,), 5), ((64, 1, 1), 9)]:
        a, b = torch.randn(shape, generator=generator), 2 * torch.randn(shape, generator=generator)
        result = func(a, b, steps)
        if not torch.is_tensor(result) or tuple(result.shape) != (steps, *shape):
            got = tuple(result.shape) if torch.is_tensor(result) else type(result).__name__
            return _verdict(False, name, f"for a, b shaped {shape} and steps={steps}, expected a tensor shaped "
                                         f"{(steps, *shape)}, got {got}.")
        if not (torch.allclose(result[0], a, atol=1e-4) and torch.allclose(result[-1], b, atol=1e-4)):
            return _verdict(False, name, "the path must start at a (t=0) and end at b (t=1).")
        if not torch.allclose(result, _slerp_reference(a, b, steps), atol=1e-4):
            return _verdict(False, name, "the end points are right, but the points between do not follow the "
                                         "slerp formula at equally spaced t.")
    return _verdict(True, name)


def _slerp_reference(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """sin((1-t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b, with Ω the angle between the flattened a and b."""
    omega = torch.arccos(torch.dot(a.flatten(), b.flatten()) / (a.norm() * b.norm())).clamp(min=1e-6)
    t = torch.linspace(0, 1, steps).view(-1, *[1] * a.dim())
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)

# Checks added for chapter 5 (keep this line: it marks where they go).

def check_mse_optimum(answer, targets: torch.Tensor, name: str = "image", atol: float = 1e-5) -> bool:
    """Check that ``answer`` is the one image with the least mean squared error to all ``targets`` (N, ...)
    (chapter 5); if not, say how far its error is above the smallest possible."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your image.")
    if not torch.is_tensor(answer):
        return _verdict(False, name, f"expected a torch.Tensor, got {type(answer).__name__}.")
    if tuple(answer.shape) != tuple(targets.shape[1:]):
        return _verdict(False, name, f"wrong shape {tuple(answer.shape)}; expected one image shaped "
                                     f"{tuple(targets.shape[1:])}.")
    targets = targets.detach().cpu().double()
    answer = answer.detach().cpu().double()
    best = torch.mean((targets - targets.mean(0)) ** 2).item()
    mse = torch.mean((targets - answer) ** 2).item()
    return _verdict(mse - best <= atol, name, f"its mean squared error to the targets is {mse:.5f}, "
                                            f"{mse - best:.5f} above the smallest possible ({best:.5f}).")

# Checks added for chapter 6 (keep this line: it marks where they go).


def check_layer_sizes(answer, model: torch.nn.Module, example_input: torch.Tensor, layer_type=None,
                      name: str = "layer sizes") -> bool:
    """Check a list of output heights, one per ``layer_type`` layer (default ConvTranspose2d), by running
    ``model`` on ``example_input`` (chapter 6); a wrong entry is named, its right value is not shown."""
    layer_type = layer_type or torch.nn.ConvTranspose2d
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your list of sizes.")
    sizes = answer.tolist() if torch.is_tensor(answer) else answer
    if not isinstance(sizes, (list, tuple)) or not all(isinstance(s, int) and not isinstance(s, bool)
                                                        for s in sizes):
        return _verdict(False, name, "expected a list of whole numbers, one height per layer.")
    heights = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: heights.append(out.shape[-2]))
             for m in model.modules() if isinstance(m, layer_type)]
    was_training = model.training
    try:
        with torch.no_grad():
            model.eval()(example_input)
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    kind = layer_type.__name__
    if len(sizes) != len(heights):
        return _verdict(False, name, f"the model has {len(heights)} {kind} layers; you gave {len(sizes)} sizes.")
    wrong = [i for i, (a, b) in enumerate(zip(sizes, heights)) if a != b]
    if wrong:
        return _verdict(False, name, f"entry {wrong[0]} (the output of {kind} number {wrong[0] + 1}) is wrong: "
                                     "recompute it from that layer's kernel size, stride and padding.")
    return _verdict(True, name)


def check_discriminator_loss(func: Callable, name: str = "discriminator_loss") -> bool:
    """Check ``func(real_logits, fake_logits)`` = −mean log σ(real) − mean log(1 − σ(fake)), also for
    very confident logits (±40), where a naive log of a sigmoid gives inf (chapter 6)."""
    from torch.nn.functional import binary_cross_entropy_with_logits as bce

    g = torch.Generator().manual_seed(0)
    ordinary = [(torch.randn(8, generator=g), torch.randn(8, generator=g)),
                (3 * torch.randn(5, generator=g) + 1, 3 * torch.randn(7, generator=g) - 2)]
    confident = (torch.tensor([40.0, -40.0, 3.0]), torch.tensor([40.0, -40.0, -3.0]))
    for i, (real, fake) in enumerate([*ordinary, confident]):
        got = func(real.clone(), fake.clone())
        if i == 0 and _unanswered(got):
            return _verdict(False, name, "no answer yet: replace the `...` with your code.")
        if not torch.is_tensor(got) or got.numel() != 1:
            return _verdict(False, name, "return one number as a tensor (the mean over each batch, summed).")
        want = bce(real, torch.ones_like(real)) + bce(fake, torch.zeros_like(fake))
        if i == 2 and not torch.isfinite(got).all():
            return _verdict(False, name, "the loss is not finite when the discriminator is very sure (logits of "
                                         "±40): compute log σ(x) as F.logsigmoid(x) and log(1 − σ(x)) as "
                                         "F.logsigmoid(−x).")
        if not torch.isclose(got.detach().double().reshape(()), want.double(), rtol=1e-4, atol=1e-4):
            which = "very confident logits (±40)" if i == 2 else "ordinary logits"
            return _verdict(False, name, f"wrong value for {which}: check the signs, which batch is labelled "
                                         "real, and that each term is a mean over its own batch.")
    return _verdict(True, name)

# Checks added for chapter 7 (keep this line: it marks where they go).


def check_early_fusion(func: Callable, name: str = "early_fusion") -> bool:
    """Check ``func(image, table)`` returns the image channels followed by one constant plane per table
    column, (B, C, H, W) and (B, T) -> (B, C + T, H, W), on random inputs of two sizes (chapter 7)."""
    g = torch.Generator().manual_seed(0)
    for batch, channels, height, width, columns in ((2, 1, 28, 28, 10), (3, 2, 5, 7, 4)):
        image = torch.rand(batch, channels, height, width, generator=g)
        table = torch.randn(batch, columns, generator=g)
        got = func(image.clone(), table.clone())
        if _unanswered(got):
            return _verdict(False, name, "no answer yet: replace the `...` with your code.")
        if not torch.is_tensor(got):
            return _verdict(False, name, f"expected a torch.Tensor, got {type(got).__name__}.")
        sizes = f"an image {(batch, channels, height, width)} and a table {(batch, columns)}"
        want = (batch, channels + columns, height, width)
        if tuple(got.shape) != want:
            return _verdict(False, name, f"for {sizes} the result has shape {tuple(got.shape)}, not {want}.")
        if not torch.allclose(got[:, :channels], image):
            return _verdict(False, name, f"for {sizes} the first {channels} channel(s) should be the image, unchanged.")
        planes = got[:, channels:]
        wrong = ~torch.isclose(planes, table[:, :, None, None].expand_as(planes)).flatten(2).all(2)
        if wrong.any():
            b, j = (int(i) for i in wrong.nonzero()[0])
            return _verdict(False, name, f"for {sizes}, channel {channels + j} of example {b} should be a constant "
                                         f"plane filled with column {j} of that example's table row.")
    return _verdict(True, name)
