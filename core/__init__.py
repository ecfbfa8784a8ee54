"""The core every layer may use and that imports no other layer: paths and settings, errors, the
pipeline lock, the seed reader, child processes, fault injection."""
