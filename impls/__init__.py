"""Reference implementations (`reference`), Python-loop oracles (`oracles`), and the harness's
own proof material: correct implementations in other styles (`alt/`) and known-wrong ones,
one plausible bug each (`wrong/`). Every module here can be plugged in with `--impl`."""
