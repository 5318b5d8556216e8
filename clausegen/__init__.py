"""clausegen: security documents for IT-outsourcing contracts from a risk profile."""

__version__ = "0.1.0"
