"""Shared test set-up: the engine's runtime settings (x64 available) before any JAX use."""

from gradscape.trajectories import runtime

runtime.configure()  # x64, CPU devices, compilation cache: before any JAX use
