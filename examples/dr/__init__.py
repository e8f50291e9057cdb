"""The cross-Region disaster-recovery example stack; the program is :func:`examples.dr.__main__.main`."""
