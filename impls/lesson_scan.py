"""Reference implementations: placeholder."""
__all__: list[str] = []
