"""Holds gigabytes from the moment it is imported."""
blob = bytearray(16 * 2**30)


def running_sum(xs):
    return xs
