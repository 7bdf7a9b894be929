"""kg: a knowledge-graph builder for Chinese government news."""

__version__ = "0.1.0"
