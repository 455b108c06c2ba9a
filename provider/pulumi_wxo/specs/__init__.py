"""Spec files (the ADK's YAML/JSON model and connection specs) <-> the schema, and ``declare``
over them.

The format is the ADK's (api-contract §5, §6, §13): one ``spec_version: v1`` document per model,
policy or connection, snake_case keys, several documents per YAML file allowed. Policies use
``kind: model`` in the ADK; they are told apart by a ``policy:`` key or a ``virtual-policy/``
name (``kind: policy`` and ``kind: model_policy`` are accepted too). Connections are ``kind:
connection`` files (``orchestrate connections import``), named by ``app_id``; a model's
``app_id`` names the connection it uses. docs/guide/specs.md is the user's guide.

Rules of this package (why they exist):

* **One schema.** Every field rule is :func:`~pulumi_wxo.schema.validate_model` /
  :func:`~pulumi_wxo.schema.validate_policy` / ``validate_connection``, the same as the
  provider's ``check``; this package only adds rules about *files*: document shape, secret
  literals, duplicates, resource names, undeclared policy targets, a model's ``app_id``.
* **Errors name file, line and field.** Documents are *composed* (``yaml`` nodes carry marks),
  so every key and list item has a line; a schema failure's dotted path is mapped back to the
  closest node that exists in the file.
* **Secrets never live in spec files.** A credential field (``SECRET_FIELDS``) must be a
  reference ``${secret:NAME}``, resolved by :func:`declare` from the stack config as a Pulumi
  secret, or be left to a connection (``connection_id``, or ``app_id``); so must a connection
  file's credential (``environments.<env>.credentials``). The literal value is never echoed.
  A reference reads the project's namespace, or one the stack lists in
  ``wxo-specs:secretNamespaces``; never the provider's own ``wxo:*`` (``namespaces``).
* **Light imports.** ``pulumi-wxo validate`` runs as a pre-commit hook: nothing here imports
  ``pulumi`` at module level (only :func:`declare` does, when called).
* **Files are hostile.** Specs come in pull requests and are read on CI runners that hold
  credentials: every read is bounded in bytes, nodes (aliases expanded), depth and number
  length (``limits``), only regular files are opened, walks visit each directory once, and
  ``server_cert_file`` cannot leave the spec's folder (docs/guide/specs.md, "Untrusted spec files").

Modules, in the order a file goes through them::

    syntax        the format's constants: version, suffixes, meta keys, ${secret:NAME}
    limits        every bound on what reading a file may cost, named
    discovery     paths, directories and globs -> spec files (loops, FIFOs, symlinks out)
    files         one file read: regular files only, at most cap + 1 bytes
    bounded       the YAML loader that counts aliases while composing; the JSON pre-scan
    parse         YAML / JSON -> documents with the line of every key and list item
    paths         field paths <-> lines (``targets[1].weight`` -> line 14)
    results       Problem, SpecError, Spec, SecretRef
    document      one document's shape rules; ADK export leftovers; the policy: form
    certs         provider_config.server_cert_file, confined to the spec's folder
    overrides     per-stack overrides merged in, and problems attributed to them
    rules         secret rules, the schema's rules at file:line, rules across documents
    connection    a connection file's rules: the ADK's shape, its credentials' references
    namespaces    which stack config namespaces a ${secret:NS:NAME} may read
    lookalike     look-alike names (Unicode confusables, case-only twins): warnings
    load          read_specs / load_specs: the above, end to end
    names         resource names and suggested secret config keys
    declaration   declare(): Model / ModelPolicy / Connection resources (imports pulumi when called)
    export        server objects -> spec documents, YAML
    export_connections  connections -> ``kind: connection`` files; models naming them by app_id
    program       exported specs -> a Pulumi Python program that adopts them (either host)
    export_hcl    exported specs -> OpenTofu/Terraform resource and import blocks (--format hcl)
    adk           where the ADK is stricter: rules for files that must import there (--adk)
    json_schema   the JSON Schema of a spec document
"""

from __future__ import annotations

from pulumi_wxo.specs.declaration import declare
from pulumi_wxo.specs.discovery import find_spec_files
from pulumi_wxo.specs.export import ExportedSpec, dump_yaml, export_model, export_policy
from pulumi_wxo.specs.export_connections import export_connection
from pulumi_wxo.specs.json_schema import spec_json_schema
from pulumi_wxo.specs.load import load_specs, read_specs
from pulumi_wxo.specs.names import resource_name, secret_config_key
from pulumi_wxo.specs.program import python_program
from pulumi_wxo.specs.results import Problem, SecretRef, Spec, SpecError
from pulumi_wxo.specs.syntax import OVERRIDES_KEY, OVERRIDES_NAMESPACE, SPEC_SUFFIXES, SPEC_VERSION

__all__ = [
    "OVERRIDES_KEY",
    "OVERRIDES_NAMESPACE",
    "SPEC_SUFFIXES",
    "SPEC_VERSION",
    "ExportedSpec",
    "Problem",
    "SecretRef",
    "Spec",
    "SpecError",
    "declare",
    "dump_yaml",
    "export_connection",
    "export_model",
    "export_policy",
    "find_spec_files",
    "load_specs",
    "python_program",
    "read_specs",
    "resource_name",
    "secret_config_key",
    "spec_json_schema",
]
