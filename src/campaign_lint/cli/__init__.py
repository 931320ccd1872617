"""The command line: a thin typer app and one reporter module per format."""
