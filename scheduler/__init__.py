"""paiban roster engine: a pure CP-SAT solver for call-center rosters (SPEC §3, FORMATS §1–2)."""
