"""The command line's parser: the top level, each command group adding its own."""

from __future__ import annotations

import argparse

from .._version import __version__
from . import _datasets, _elements, _generations, _local, _models
from ._common import parents

EXAMPLES = """\
examples:
  leonardo-async demo                          # the whole story, offline
  leonardo-async me
  leonardo-async platform-models
  leonardo-async models list --me --json
  leonardo-async datasets create cats
  leonardo-async datasets upload DATASET_ID cats/ --concurrency 4
  leonardo-async models train --name my-style --images cats/ \\
      --instance-prompt "a photo of sks" --resolution 768 --wait
  leonardo-async models wait MODEL_ID [MODEL_ID ...]
  leonardo-async models delete MODEL_ID --yes
  leonardo-async elements train --name my-cat --images cats/ --focus Style --wait
  leonardo-async elements wait ELEMENT_ID
  leonardo-async generate "a red fox in the snow" --element 1001 --out images/
  leonardo-async generations list --limit 5
  leonardo-async price generation "a red fox" --num-images 4
  leonardo-async fake-server --port 8765       # for tests in any language

The key comes from LEONARDO_API_KEY; the API root from --base-url or
LEONARDO_BASE_URL. Exit codes: 0 ok, 1 API error, 2 usage, 3 training or
generation failed, 4 wait timed out, 5 over --max-credits, 130 interrupted
(or a deletion prompt ended).
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``leonardo-async`` parser, every command included."""
    parser = argparse.ArgumentParser(
        prog="leonardo-async",
        description="The Leonardo.AI REST API from the command line.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"leonardo-async {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups = parents()
    for group in (_local, _models, _elements, _generations, _datasets):
        group.add_commands(commands, groups)
    return parser
