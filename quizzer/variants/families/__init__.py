"""The variant families, one topic module each; every module lists its own in ``FAMILIES``."""
