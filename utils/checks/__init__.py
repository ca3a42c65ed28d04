"""Exercise checks that teach: they say whether an answer is right and, if not, what is wrong.

Each check prints a short verdict and returns a Verdict (true when the answer is right, shown as nothing in
Jupyter); none of them prints the solution. An unanswered stub gets a neutral 'no answer yet', not a cross.

This package is the stable import point the chapters use (``from utils.checks import check_slerp``); the
checks live in modules by what they check:

- ``verdicts``: the printed verdicts (``PASS``, ``FAIL``, ``PENDING``, ``NO_ANSWER``) and ``Verdict``;
- ``answers``: a tensor, a number, a shape, a multiple-choice answer;
- ``functions``: a student's function, by its results and by the library functions it calls;
- ``convolution``: (transpose) convolution layers, sizes and settings, a convolution by hand, a kernel with a
  flat input gradient, a box filter;
- ``autoencoders``: low-rank (PCA) reconstruction, spherical interpolation, half-grey ink along a
  cross-fade, the least-MSE image;
- ``gans``: the discriminator's and the saturating generator's losses, the 5×5 layers, resize-convolution;
- ``dynamics``: GAN training dynamics: the saturating loss's gradient, the optimal discriminator, precision
  and recall by hand, diagnosing unlabelled runs;
- ``vae``: variational autoencoders: the KL between diagonal Gaussians, the score-function estimator, a
  prediction of what β does, a 2-D model's log-likelihood by quadrature;
- ``fusion``: networks with several inputs (a branch's flattened size, early and late fusion, target
  encoding) and how to evaluate them.
"""

from utils.checks.answers import check_choice, check_number, check_shape, check_tensor
from utils.checks.autoencoders import (
    check_half_grey_curve,
    check_low_rank_mse,
    check_mse_optimum,
    check_pca_components,
    check_slerp,
)
from utils.checks.convolution import (
    check_bilinear_upsampler,
    check_box_filter,
    check_flat_gradient_kernel,
    check_layer_sizes,
    check_output_padding,
    check_output_shape,
    check_transpose_by_hand,
    check_transpose_layer,
    check_upsampling_settings,
)
from utils.checks.dynamics import (
    RUN_KINDS,
    check_diagnosis,
    check_gradient_ratio,
    check_optimal_discriminator,
    check_precision_recall,
    unlabelled_runs,
)
from utils.checks.functions import check_calls, check_function
from utils.checks.fusion import (
    check_additive_fit,
    check_early_fusion,
    check_flat_features,
    check_sides_that_fit,
    check_target_encoding,
    check_test_fold_choice,
)
from utils.checks.gans import (
    check_discriminator_loss,
    check_doubling_layers,
    check_resize_up,
    check_saturating_loss,
)
from utils.checks.vae import (
    check_beta_prediction,
    check_gaussian_kl,
    check_log_likelihood_2d,
    check_samples_ratio,
    check_score_function,
)
from utils.checks.verdicts import FAIL, NO_ANSWER, PASS, PENDING, Verdict

__all__ = [
    "FAIL", "NO_ANSWER", "PASS", "PENDING", "Verdict",
    "check_additive_fit", "check_bilinear_upsampler", "check_box_filter", "check_calls", "check_choice",
    "check_discriminator_loss", "check_doubling_layers", "check_early_fusion", "check_flat_gradient_kernel",
    "check_function",
    "check_half_grey_curve", "check_layer_sizes", "check_low_rank_mse",
    "check_mse_optimum", "check_number", "check_output_padding", "check_output_shape", "check_pca_components",
    "check_resize_up", "check_saturating_loss",
    "check_shape", "check_slerp", "check_tensor", "check_test_fold_choice", "check_transpose_by_hand",
    "check_transpose_layer", "check_upsampling_settings",
    "check_flat_features", "check_sides_that_fit", "check_target_encoding",  # chapter 7 (fusion)
    "RUN_KINDS", "check_diagnosis", "check_gradient_ratio", "check_optimal_discriminator", "check_precision_recall",
    "unlabelled_runs",  # chapter 9 (dynamics)
    "check_beta_prediction", "check_gaussian_kl", "check_log_likelihood_2d", "check_samples_ratio",
    "check_score_function",  # chapter 8 (vae)
]
