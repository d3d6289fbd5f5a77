"""seirflow: calibrate an age-structured SEIR model per region and project scenarios."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("seirflow")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
