"""Regression testing across JAX/Flax versions: the pair list, fixed inputs, golden values per
version, and the comparison. See docs/versions.md. Repository tooling, not installed."""
