"""scanprops: property-based verification of JAX scan code against Python-loop oracles."""
