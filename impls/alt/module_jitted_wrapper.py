"""Seed 002 as the seed writes it, behind `jax.jit` with the ints static: the learner calls a
compiled function; the results must not change. (The GRU row's `jit` property already compiles
the seed's nn.scan; a second jitted GRU here would only add compile time.)"""
import jax

from impls import flax_seeds

lax_scan_in_module = jax.jit(flax_seeds.lax_scan_in_module, static_argnames=("seed", "hidden", "T"))
