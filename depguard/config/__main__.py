"""`python -m depguard.config` prints the config's JSON Schema."""

import sys

from depguard.config.model import json_schema

sys.stdout.write(json_schema())
