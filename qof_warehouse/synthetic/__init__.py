"""The synthetic GP extract generator (`qof generate`).

`generator` writes an extract (`GeneratorConfig`, `generate_extract`) from the pieces here:
`common` (day arithmetic, the cluster seed, random streams, the event buffer), `population`
(practices, patients, registrations), `conditions` (registers), `histories` (what every care
history builds on), `monitoring` (the core care histories and repeat prescriptions), `care/`
(one plugin per clinical area), `dirty` (the contract's dirty rows) and `tables` (writing the
files). The package itself imports nothing, so any of its modules can be imported on its own.
"""
