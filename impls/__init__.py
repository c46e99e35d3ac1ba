"""The answer key and the proof material, kept in the repository only (never installed):
the reference implementations (`reference`), correct implementations in other styles (`alt/`)
and known-wrong ones, one plausible bug each (`wrong/`). Every module here can be plugged in
with `--impl`. The judge's Python-loop oracles are in `scanprops/oracles/`."""
