"""Shared test set-up: the engine's runtime settings (x64 available) before any JAX use."""

import trajectories  # noqa: F401  (configures JAX: x64, CPU devices, compilation cache)
