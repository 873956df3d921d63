"""The workshop's server process (``gridgov workshop`` starts it): the room's pool first, then Streamlit on the app.

Making the room here, before Streamlit serves a page, starts the pool's
workers and has them import the simulation while the server starts, so the
first participant's run does not wait for them. The pool stops with the
server. ``python -m analysis.workshop.serve [STREAMLIT OPTIONS]`` is
``streamlit run analysis/workshop/app.py [STREAMLIT OPTIONS]`` with the pool
warm.
"""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.workshop import room

APP = Path(__file__).with_name("app.py")


def main(options: list[str]) -> None:
    """Make the room, then serve the app with Streamlit's own command line until it stops."""
    from streamlit.web import cli

    shared = room.shared()
    try:
        cli.main(args=["run", str(APP), *options], prog_name="streamlit")
    finally:
        shared.close()


if __name__ == "__main__":   # each pool worker imports this module as its parent's main: it must not serve
    main(sys.argv[1:])
