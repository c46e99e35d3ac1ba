"""JAX's compile events, counted for the speed benchmark (opt-in: the judge's start-up message
asks for it with `compile_stats`; benchmarks/speed.py installs one in its own process too)."""
from __future__ import annotations


class CompileTally:
    """What JAX compiled in this process and how long it took, from JAX's own monitoring events
    (`jax.monitoring`, present since before jax 0.4.30): tracing to a jaxpr, lowering to MLIR, and
    the backend compile (which also times a load from the persistent cache; those loads are
    counted apart as `cache_hits`). Off unless installed: the parent's config asks for it
    (`compile_stats`), and the benchmark installs one in its own process. Nothing here changes
    what JAX does.

    Events nest (a jit traced inside another's trace reports both), so `compile_s` is the length
    of the union of the events' time spans; each span ends when its listener is called."""

    TRACE = "/jax/core/compile/jaxpr_trace_duration"
    LOWER = "/jax/core/compile/jaxpr_to_mlir_module_duration"
    BACKEND = "/jax/core/compile/backend_compile_duration"
    HITS = "/jax/compilation_cache/cache_hits"

    def __init__(self):
        import time

        self._now = time.monotonic
        self.reset()

    def reset(self) -> None:
        self._spans: list = []  # the events' merged (start, end) spans, in order
        self.compiles = self.cache_hits = self.traces = 0
        self.trace_s = self.lower_s = self.backend_s = self.compile_s = 0.0

    def install(self, jax_module) -> bool:
        """Register the listeners; False where this JAX has no monitoring API."""
        monitoring = getattr(jax_module, "monitoring", None)
        try:
            monitoring.register_event_duration_secs_listener(self._duration)
            monitoring.register_event_listener(self._event)
        except (AttributeError, TypeError):
            return False
        return True

    def _event(self, event, *args, **kwargs) -> None:
        if event == self.HITS:
            self.cache_hits += 1

    def _duration(self, event, duration, *args, **kwargs) -> None:
        if event == self.BACKEND:
            self.compiles += 1
            self.backend_s += duration
        elif event == self.TRACE:
            self.traces += 1
            self.trace_s += duration
        elif event == self.LOWER:
            self.lower_s += duration
        else:
            return
        end = self._now()
        start = end - float(duration)
        spans = self._spans
        while spans and spans[-1][1] >= start:  # spans end in order: merge the ones this overlaps
            first, last = spans.pop()
            start = min(start, first)
            self.compile_s -= last - first
        spans.append((start, end))
        self.compile_s += end - start

    def take(self, reset: bool = True) -> dict:
        """The tallies since the last reset (builtins only); then start afresh unless `reset` is
        False."""
        out = {"compiles": self.compiles, "cache_hits": self.cache_hits, "traces": self.traces,
               "trace_s": self.trace_s, "lower_s": self.lower_s, "backend_s": self.backend_s,
               "compile_s": self.compile_s}
        if reset:
            self.reset()
        return out
