"""One module per command group; only housewatch.cli imports them."""
