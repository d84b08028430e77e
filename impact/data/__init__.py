"""Data files shipped with the package (the default restoration curves); no Python names."""

__all__: list[str] = []
