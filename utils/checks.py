"""Exercise checks that teach: they say whether an answer is right and, if not, what is wrong.

Each check prints a short verdict and returns a Verdict (true when the answer is right, shown as nothing in
Jupyter); none of them prints the solution. An unanswered stub gets a neutral 'no answer yet', not a cross.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager

import torch

PASS = "✅"
FAIL = "❌"
PENDING = "⏳"  # an exercise not answered yet: no ❌ when a chapter runs top to bottom with its stubs
NO_ANSWER = "no answer yet"


class Verdict:
    """A check's outcome: true when the answer is right. It shows nothing as a cell's last value (the check
    has printed its verdict already), so a check at the end of a cell leaves no stray ``True``."""

    __slots__ = ("ok",)

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __eq__(self, other) -> bool:
        return self.ok == bool(other) if isinstance(other, (bool, Verdict)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.ok)

    def __repr__(self) -> str:
        return f"Verdict({self.ok})"

    def _ipython_display_(self) -> None:
        """Display nothing in Jupyter."""


def _verdict(ok: bool, name: str, message: str = "") -> Verdict:
    if ok:
        print(f"{PASS} {name}: correct.")
    else:
        print(f"{PENDING if message.startswith(NO_ANSWER) else FAIL} {name}: {message}")
    return Verdict(ok)


def _unanswered(answer) -> bool:
    return answer is None or answer is Ellipsis


def check_tensor(answer, expected: torch.Tensor, name: str = "answer", atol: float = 1e-5,
                 rtol: float = 1e-4, check_dtype: bool = True) -> Verdict:
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
                 abs_tol: float = 1e-6) -> Verdict:
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


def check_shape(answer, expected: Sequence[int], name: str = "shape") -> Verdict:
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


def check_function(func: Callable, cases: Iterable[tuple[tuple, object]], name: str | None = None) -> Verdict:
    """Call ``func(*args)`` for each ``(args, expected)`` case and report the first case it gets wrong."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    for number, (args, expected) in enumerate(cases):
        shown = f"{name}({', '.join(map(repr, args))})"
        try:
            result = func(*args)
        except NotImplementedError:
            return _verdict(False, name, f"{NO_ANSWER}: write the body of {name}.")
        except Exception as error:  # a student's bug: say where, do not stop the notebook
            return _verdict(False, name, f"{shown} raised {type(error).__name__}: {error}")
        if number == 0 and _unanswered(result) and not _unanswered(expected):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        if torch.is_tensor(expected):
            same = torch.is_tensor(result) and result.shape == expected.shape and torch.allclose(
                result.double(), expected.double(), atol=1e-5)
        else:
            same = result == expected
        if not same:
            return _verdict(False, name, f"{shown} returned {result!r}, which is not right.")
    return _verdict(True, name)


def check_choice(answer, expected: str, options: Sequence[str], name: str = "answer") -> Verdict:
    """Check a multiple-choice answer (one of ``options``, case-insensitive) against ``expected``."""
    if _unanswered(answer):
        return _verdict(False, name, f"no answer yet: choose one of {', '.join(map(repr, options))}.")
    normalised = str(answer).strip().lower()
    if normalised not in [option.lower() for option in options]:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(normalised == expected.lower(), name, f"{answer!r} is not the right choice; look again.")


def check_output_shape(layer, input_shape: Sequence[int], expected: Sequence[int], name: str = "layer") -> Verdict:
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


# Checks added for chapter 1 (keep this line: it marks where they go).

_CONVOLUTIONS = ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "avg_pool2d", "interpolate", "fold", "unfold")


@contextmanager
def _counting_calls(names: Iterable[str]):
    """Count the calls of ``torch.nn.functional.<name>`` and ``torch.<name>`` while the block runs."""
    counts = dict.fromkeys(names, 0)
    saved = []
    for name in counts:
        for module in (torch.nn.functional, torch):
            original = getattr(module, name, None)
            if original is None:
                continue

            def counted(*args, _name=name, _original=original, **kwargs):
                counts[_name] += 1
                return _original(*args, **kwargs)

            saved.append((module, name, original))
            setattr(module, name, counted)
    try:
        yield counts
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)


def check_calls(func: Callable, cases: Iterable[tuple[tuple, torch.Tensor]], name: str | None = None,
                once: str | None = None, forbid: Sequence[str] = ()) -> Verdict:
    """Check ``func(*args)`` against each ``(args, expected tensor)`` case and how it computes them: exactly
    one call of ``F.<once>`` per case (if given) and no call of any ``F.<forbid>`` (chapter 1)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    forbid = [f for f in forbid if f != once]
    for number, (args, expected) in enumerate(cases):
        shapes = ", ".join(str(tuple(a.shape)) if torch.is_tensor(a) else repr(a) for a in args)
        with _counting_calls(([once] if once else []) + forbid) as counts:
            try:
                result = func(*args)
            except NotImplementedError:
                return _verdict(False, name, f"{NO_ANSWER}: write the body of {name}.")
            except Exception as error:  # a student's bug: say where, do not stop the notebook
                return _verdict(False, name, f"{name}({shapes}) raised {type(error).__name__}: {error}")
        if number == 0 and _unanswered(result):
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns nothing; replace the `...` in its body.")
        used = [f for f in forbid if counts[f]]
        if used:
            return _verdict(False, name, f"it calls F.{used[0]}, which this exercise asks you to do without.")
        if once and counts[once] != 1:
            return _verdict(False, name, f"{name}({shapes}) calls F.{once} {counts[once]} times; the exercise "
                                         "asks for exactly one call.")
        if not torch.is_tensor(result):
            return _verdict(False, name, f"{name}({shapes}) returned a {type(result).__name__}, not a tensor.")
        if tuple(result.shape) != tuple(expected.shape):
            return _verdict(False, name, f"{name}({shapes}) has shape {tuple(result.shape)}, not "
                                         f"{tuple(expected.shape)}.")
        if not torch.allclose(result.detach().double(), expected.double(), atol=1e-5, rtol=1e-4):
            return _verdict(False, name, f"{name}({shapes}) has the right shape but wrong values.")
    return _verdict(True, name)


def check_transpose_by_hand(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(x, kernel, stride)`` on 2-D tensors equals ``F.conv_transpose2d`` (no padding) on several
    non-square inputs and kernels, computed without any convolution function (chapter 1)."""
    g = torch.Generator().manual_seed(1)
    cases = []
    for (h, w), (kh, kw), stride in [((2, 2), (2, 2), 1), ((3, 2), (3, 3), 2), ((2, 3), (2, 4), 3)]:
        x, kernel = torch.randn(h, w, generator=g), torch.randn(kh, kw, generator=g)
        expected = torch.nn.functional.conv_transpose2d(x[None, None], kernel[None, None], stride=stride)
        cases.append(((x, kernel, stride), expected[0, 0]))
    return check_calls(func, cases, name, forbid=_CONVOLUTIONS)


def check_upsampling_settings(func: Callable, name: str | None = None) -> Verdict:
    """Check ``func(k, s)``: a ``(padding, output_padding)`` with which ``ConvTranspose2d(k, s)`` turns every
    size h into s·h, or None when there is none; any valid pair is accepted (chapter 1)."""
    name = name or getattr(func, "__name__", "function")
    if _unanswered(func):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your function.")
    for k, s in [(4, 2), (3, 2), (2, 2), (1, 2), (5, 2), (3, 1), (2, 1), (5, 3), (4, 3), (7, 4)]:
        try:
            answer = func(k, s)
        except Exception as error:  # a student's bug: say where, do not stop the notebook
            return _verdict(False, name, f"{name}({k}, {s}) raised {type(error).__name__}: {error}")
        if answer is Ellipsis:
            return _verdict(False, name, f"{NO_ANSWER}: {name} returns `...`; write its body.")
        valid = [(p, op) for p in range(k) for op in range(s) if _upsamples(k, s, p, op)]
        if answer is None:
            if valid:
                return _verdict(False, name, f"{name}({k}, {s}) returned None, but a setting exists.")
            continue
        if not (isinstance(answer, tuple) and len(answer) == 2 and all(type(v) is int for v in answer)):
            return _verdict(False, name, f"{name}({k}, {s}) returned {answer!r}: return a pair of whole "
                                         "numbers (padding, output_padding), or None.")
        if not valid:
            return _verdict(False, name, f"{name}({k}, {s}) returned {answer!r}, but no padding and "
                                         f"output_padding give s·h for k={k}, s={s}: return None.")
        if answer not in valid:
            p, op = answer
            got = _transpose_height(5, k, s, p, op)
            what = f"maps 5 to {got}" if got else "is refused by PyTorch"
            return _verdict(False, name, f"ConvTranspose2d(kernel_size={k}, stride={s}, padding={p}, "
                                         f"output_padding={op}) {what}, not {5 * s}.")
    return _verdict(True, name)


def _transpose_height(h: int, k: int, s: int, p: int, op: int) -> int | None:
    """The output height of ConvTranspose2d(k, s, p, op) on height h, None if PyTorch refuses."""
    try:
        return torch.nn.ConvTranspose2d(1, 1, k, s, p, op)(torch.zeros(1, 1, h, h)).shape[-1]
    except (RuntimeError, ValueError):
        return None


def _upsamples(k: int, s: int, p: int, op: int) -> bool:
    return all(_transpose_height(h, k, s, p, op) == s * h for h in (3, 5))


def check_transpose_layer(layer, input_shape: Sequence[int], expected: Sequence[int], kernel_size: int,
                          output_padding: int = 0, name: str = "layer") -> Verdict:
    """Check that ``layer`` is one ``nn.ConvTranspose2d`` with the asked kernel size and output_padding
    that maps ``input_shape`` to ``expected`` (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your layer.")
    if not isinstance(layer, torch.nn.ConvTranspose2d):
        return _verdict(False, name, f"expected one nn.ConvTranspose2d, got {type(layer).__name__}.")
    if tuple(layer.kernel_size) != (kernel_size, kernel_size):
        return _verdict(False, name, f"kernel_size is {layer.kernel_size}; the exercise asks for {kernel_size}.")
    if tuple(layer.output_padding) != (output_padding, output_padding):
        return _verdict(False, name, f"output_padding is {layer.output_padding}; the exercise asks for "
                                     f"{output_padding}.")
    return check_output_shape(layer, input_shape, expected, name)


def check_bilinear_upsampler(layer, channels: int, name: str = "layer") -> Verdict:
    """Check that ``layer`` is an ``nn.ConvTranspose2d`` that doubles each of ``channels`` channels as
    ``F.interpolate(..., mode="bilinear")`` does, away from the one-pixel border (chapter 1)."""
    if _unanswered(layer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with your layer.")
    if not isinstance(layer, torch.nn.ConvTranspose2d):
        return _verdict(False, name, f"expected an nn.ConvTranspose2d, got {type(layer).__name__}.")
    if (layer.in_channels, layer.out_channels) != (channels, channels):
        return _verdict(False, name, f"it maps {layer.in_channels} channels to {layer.out_channels}; "
                                     f"expected {channels} to {channels}.")
    x = torch.rand(2, channels, 6, 6, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        got, only_first = layer(x), layer(x * (torch.arange(channels) == 0).view(1, -1, 1, 1))
        from_zeros = layer(torch.zeros_like(x))
    want = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    if got.shape != want.shape:
        return _verdict(False, name, f"a 6×6 input gives {tuple(got.shape[-2:])}, not (12, 12).")
    if from_zeros.abs().max() > 1e-6:
        return _verdict(False, name, "a zero input gives a nonzero output: the bias must be zero.")
    if channels > 1 and only_first[:, 1:].abs().max() > 1e-6:
        return _verdict(False, name, "input channel 0 reaches other output channels: each channel must be "
                                     "upsampled on its own.")
    error = (got - want)[..., 1:-1, 1:-1].abs().max().item()
    return _verdict(error < 1e-5, name, f"away from the border it differs from bilinear interpolation by up "
                                        f"to {error:.3g}: check the kernel's values.")


# Checks added for chapters 2-4 (keep this line: it marks where they go).

def check_output_padding(func: Callable, name: str | None = None) -> Verdict:
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


def check_low_rank_mse(answer, data: torch.Tensor, rank: int, name: str = "mse", rel_tol: float = 1e-3) -> Verdict:
    """Check the mean squared error (over all entries) of the best rank-``rank`` affine reconstruction of
    the rows of ``data`` (N, D), i.e. PCA with ``rank`` components (chapter 2)."""
    data = torch.as_tensor(data).detach().cpu().double()
    if data.dim() != 2 or not 0 <= rank <= data.shape[1]:
        raise ValueError(f"Expected data shaped (N, D) and 0 <= rank <= D, got {tuple(data.shape)} and {rank}.")
    variances = torch.linalg.eigvalsh(torch.cov(data.T, correction=0).reshape(data.shape[1], data.shape[1]))
    expected = variances[: data.shape[1] - rank].clamp(min=0).sum().item() / data.shape[1]
    return check_number(answer, expected, name=name, rel_tol=rel_tol)


def check_pca_components(answer, train: torch.Tensor, test: torch.Tensor, target_psnr_db: float,
                         name: str = "components") -> Verdict:
    """Check the smallest number k of principal components, fitted on ``train``, whose reconstruction
    of ``test`` (pixels in [0, 1]) reaches ``target_psnr_db``; says too high or too low (chapter 2)."""
    if _unanswered(answer):
        return _verdict(False, name, "no answer yet: replace the `...` with your number.")
    if isinstance(answer, bool) or not isinstance(answer, int):
        return _verdict(False, name, f"expected a whole number of components, got {type(answer).__name__}.")
    flat = train.detach().flatten(1).double().cpu()
    mean = flat.mean(0)
    _, directions = torch.linalg.eigh(torch.cov(flat.T, correction=0).reshape(flat.shape[1], -1))
    centred = test.detach().flatten(1).double().cpu() - mean
    left = centred.pow(2).sum() - (centred @ directions.flip(1)).pow(2).sum(0).cumsum(0)
    reached = (10 * torch.log10(centred.numel() / left.clamp(min=1e-12)) >= target_psnr_db).nonzero()
    expected = int(reached[0]) + 1 if len(reached) else flat.shape[1]
    if answer == expected:
        return _verdict(True, name)
    return _verdict(False, name, f"{answer} is too {'high' if answer > expected else 'low'}: fit PCA on the "
                                 "training images and count the components, the first one as 1.")


def check_slerp(func: Callable, name: str | None = None) -> Verdict:
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

def check_box_filter(func: Callable, name: str = "box_filter") -> Verdict:
    """Check ``func(images, k)``: the mean over each pixel's k×k neighbourhood with zero padding, for
    (B, 1, H, W) images and odd k, computed by exactly one call of ``F.conv2d``, no pooling (chapter 4)."""
    g = torch.Generator().manual_seed(4)
    cases = []
    for k, shape in ((3, (2, 1, 10, 10)), (5, (3, 1, 7, 9)), (1, (1, 1, 4, 6))):
        images = torch.rand(shape, generator=g)
        expected = torch.nn.functional.conv2d(images, torch.ones(1, 1, k, k) / k**2, padding=k // 2)
        cases.append(((images, k), expected))
    return check_calls(func, cases, name, once="conv2d", forbid=("avg_pool2d", "avg_pool1d"))


# Checks added for chapter 5 (keep this line: it marks where they go).

def check_mse_optimum(answer, targets: torch.Tensor, name: str = "image", atol: float = 1e-5) -> Verdict:
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
                      name: str = "layer sizes") -> Verdict:
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


def check_discriminator_loss(func: Callable, name: str = "discriminator_loss") -> Verdict:
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


def check_early_fusion(func: Callable, name: str = "early_fusion") -> Verdict:
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


_ZIP_HINTS = {
    "a": "standardising rescales the column but leaves one number per house, so the model still has one "
         "weight for it: can one weight give 49 zipcodes 49 unrelated price levels?",
    "c": "after standardising, the column is on the scale of the others and gets a weight like them; "
         "the model does use it, but how?",
    "d": "the information is the same, but count the weights: how many does each encoding give the zipcodes?",
}
_LEAKAGE_HINTS = {
    "b": "the best of several tries on one set of houses looks better on those houses than it will on new ones, "
         "not worse.",
    "c": "the training never saw the test houses, but the choice among the settings did.",
    "d": "every candidate sees the same houses, and the winner is the one whose errors on them happen to be "
         "smallest, partly by luck.",
}


def _choice_with_hints(answer, expected: str, hints: dict, name: str) -> Verdict:
    """A multiple-choice check that answers each plausible wrong choice with its own hint (chapter 7)."""
    options = sorted([expected, *hints])
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: set it to one of {', '.join(map(repr, options))}.")
    choice = str(answer).strip().lower().rstrip(").")
    if choice not in options:
        return _verdict(False, name, f"{answer!r} is not one of {', '.join(map(repr, options))}.")
    return _verdict(choice == expected, name, f"not {choice!r}: {hints.get(choice, '')}")


def check_zip_as_number(answer, name: str = "answer") -> Verdict:
    """Exercise 7.2: what a linear model can do with the zipcode given as one standardised number (chapter 7)."""
    return _choice_with_hints(answer, "b", _ZIP_HINTS, name)


def check_test_fold_choice(answer, name: str = "answer") -> Verdict:
    """Exercise 7.3: how choosing settings on the test folds biases the reported error (chapter 7)."""
    return _choice_with_hints(answer, "a", _LEAKAGE_HINTS, name)


def check_additive_fit(answer, table: torch.Tensor, name: str = "late_fusion_fit", atol: float = 1e-3) -> Verdict:
    """Check the least-squares fit of ``f(row) + g(column)`` to a (R, C) ``table`` (chapter 7's late fusion);
    a wrong answer is told whether it is the table itself, not additive, or additive but not the best."""
    if _unanswered(answer):
        return _verdict(False, name, f"{NO_ANSWER}: replace the `...` with a tensor of predictions.")
    table = torch.as_tensor(table).double()
    if not torch.is_tensor(answer) or tuple(answer.shape) != tuple(table.shape):
        got = tuple(answer.shape) if torch.is_tensor(answer) else type(answer).__name__
        return _verdict(False, name, f"expected a tensor shaped {tuple(table.shape)}, one prediction per cell; "
                                     f"got {got}.")
    pred = answer.detach().cpu().double()
    best = table.mean(1, keepdim=True) + table.mean(0, keepdim=True) - table.mean()
    if torch.allclose(pred, best, atol=atol):
        return _verdict(True, name)
    interaction = pred - pred.mean(1, keepdim=True) - pred.mean(0, keepdim=True) + pred.mean()
    if interaction.abs().max() > atol:
        if torch.allclose(pred, table, atol=atol):
            return _verdict(False, name, "these are the prices themselves: can a sum f(photo) + g(zipcode) give "
                                         "the photo the same effect in both zipcodes and still fit them?")
        return _verdict(False, name, "these predictions are not of the form f(row) + g(column): the difference "
                                     "between two rows must be the same in every column.")
    mse = ((pred - table) ** 2).mean().item()
    return _verdict(False, name, f"additive, but not the best such fit: its mean squared error is {mse:.4f}, "
                                 "and a smaller one is possible.")
