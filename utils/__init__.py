"""Helpers shared by the course notebooks: run settings, data, plotting and exercise checks.

The lessons themselves (models, losses, training loops) live in the notebooks; this package
holds only what is not the lesson.
"""

__all__ = [
    "settings", "data", "plotting", "checks",  # what every chapter imports
    "autoencoders", "celeba", "celeba_attributes", "diagrams", "downloads", "explorer_templates", "explorers",
    "houses", "metrics", "pretrained", "progress", "release", "results", "sample_quality",
    "gan_explorer", "gan_runs", "gan_toys",
]
