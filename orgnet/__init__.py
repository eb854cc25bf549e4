"""orgnet: the graph of an urban district's party organizations, members and resident units."""

__version__ = "0.1.0"
