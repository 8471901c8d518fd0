"""Expands a SAM template into plain CloudFormation offline with the SAM translator (as `sam deploy` would).

usage: expand-template.py TEMPLATE  -> prints the expanded template as JSON.
Exit code 3 when the translator is not installed. A local CodeUri is swapped for an s3:// location (its key: the
local path), as the translator wants for a packaged template; no AWS call is made.
"""
import json
import logging
import os
import re
import sys

try:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError:
    sys.exit(3)


class NoManagedPolicies:
    """The template names no managed policy by name, so there is nothing to look up in IAM."""

    def load(self):
        return {}


os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
logging.disable(logging.WARNING)  # the translator's feature-toggle notes: not findings
with open(sys.argv[1]) as f:
    # a local CodeUri becomes the s3:// location sam deploy would upload it to, keyed by the local path
    text = re.sub(r"^(\s*)CodeUri:\s*(?!s3://)(\S+)\s*$", r"\1CodeUri: s3://onsale-artifacts/\2", f.read(), flags=re.M)
print(json.dumps(transform(yaml_parse(text), {}, NoManagedPolicies())))
