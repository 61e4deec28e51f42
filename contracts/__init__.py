"""The contracts: what crosses the Temporal boundary, and nothing else.

Workflow and activity inputs, update and signal arguments, snapshots and results (small pydantic models),
the names of workflows, updates and signals, and the business workflow ids. One input object per call, so a
field can be added later (with a default) without breaking running workflows: the pydantic data converter
serialises by field name, so names, fields and defaults here are part of every stored history.

The package stands apart from workflows/ so that the API, the worker, the CLI and the activities can speak to
the workflows without importing them: activities must never import workflows/ (they are imported *by* them,
inside `imports_passed_through`), and the API starts workflows and sends updates by name. contracts/ imports
only domain/ (see the import-linter contracts in pyproject.toml).

One module per family; import from the family, not from the package (nothing is re-exported here, so each
import line says which family a module depends on):

- `contracts.case`: a repair case: its spec and limits, decisions, snapshots, deadlines, deliveries to sync
  targets, the view a decision answers, and the tables of the updates and signals a case takes;
- `contracts.application`: an application (申请) and its withdrawal;
- `contracts.letters`: 两书同达 notices, letter batches, decision letters and the SMS about a record;
- `contracts.sweep`: the daily sweep (跟踪监测并提供修复提醒服务).
"""
