"""bidwatch — 工程建设项目招投标突出问题专项整治 risk scanning and case platform."""

__version__ = "0.1.0"
