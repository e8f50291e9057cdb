"""The DR retention example stack; the program is :func:`examples.retention.__main__.main`."""
