"""`python -m engage.cli`: the `engage` command without its installed script."""

from engage.cli import main

main()
